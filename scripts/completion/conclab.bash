# bash completion for conclab. Everything it offers comes from the program:
# the verbs from `conclab help`, each verb's options and how each option's
# value completes from `conclab help options` (the option table itself), so
# it never drifts from the program; then config files and the shipped
# configs by name, plugin names for `info`, kinds for `new`, steps and
# options for `help`.
# Installed as PREFIX/share/bash-completion/completions/conclab.

_conclab_shipped_configs()
{
	local bin dir
	bin=$(command -v "$1" 2>/dev/null) || return
	dir=$(dirname "$(readlink -f "$bin")")/../share/conclab/configs
	[ -d "$dir" ] && (cd "$dir" && for f in *.cfg; do echo "${f%.cfg}"; done)
}

# The plugins `conclab plugins` lists (its rows start at the left edge; a
# wrapped summary and the folders after the blank line do not), searching
# the --plugin-path folders the command line names, as the command will.
_conclab_plugins()
{
	local prog=$1
	shift
	"$prog" "$@" plugins 2>/dev/null | awk 'NR == 1 { next } /^$/ { exit } /^[^ ]/ { print $1 }'
}

_conclab_verbs()
{
	"$1" help 2>/dev/null | awk '/^verbs:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }'
}

_conclab()
{
	local cur prev words cword verb i options value
	local -a paths=()
	# without the bash-completion package: the words as bash gives them,
	# and files from compgen
	if declare -F _init_completion >/dev/null; then
		_init_completion || return
	else
		words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
		cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
		declare -F _filedir >/dev/null || _filedir() {
			if [ "${1:-}" = -d ]; then
				COMPREPLY+=($(compgen -d -- "$cur"))
			else
				COMPREPLY+=($(compgen -f -- "$cur"))
			fi
		}
	fi
	local prog=${words[0]}

	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--plugin-path) paths+=(--plugin-path "${words[i + 1]}") ;;
		--plugin-path=*) paths+=("${words[i]}") ;;
		esac
	done

	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--plugin-path) ((i++)) ;;
		--plugin-path=* | -*) ;;
		*) verb=${words[i]}; break ;;
		esac
	done
	if [ -z "$verb" ]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '--plugin-path --help --version' -- "$cur"))
		elif [ "$prev" = --plugin-path ]; then
			_filedir -d
		else
			COMPREPLY=($(compgen -W "$(_conclab_verbs "$prog")" -- "$cur"))
		fi
		return
	fi
	# --NAME <TAB> VALUE <TAB> how it completes <TAB> verbs <TAB> help
	options=$("$prog" help options 2>/dev/null)
	if [[ $prev == --* ]]; then
		value=$(awk -F'\t' -v o="$prev" '$1 == o && $2 != "" { print $3 }' <<<"$options")
		case $value in
		'') ;;
		file) _filedir; return ;;
		dir) _filedir -d; return ;;
		none) return ;;
		*) COMPREPLY=($(compgen -W "$value" -- "$cur")); return ;;
		esac
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(awk -F'\t' -v v="$verb" \
			'{ n = split($4, vs, ","); for (i = 1; i <= n; i++) if (vs[i] == v) print $1 }' \
			<<<"$options")" -- "$cur"))
		return
	fi
	case $verb in
	run | check)
		COMPREPLY=($(compgen -W "$(_conclab_shipped_configs "$prog")" -- "$cur"))
		_filedir cfg ;;
	info | verify)
		COMPREPLY=($(compgen -W "$(_conclab_plugins "$prog" "${paths[@]}")" -- "$cur")) ;;
	new)
		[ "$prev" = new ] && COMPREPLY=($(compgen -W 'strategy sync' -- "$cur")) ;;
	help)
		COMPREPLY=($(compgen -W "$(_conclab_verbs "$prog") steps options" -- "$cur")) ;;
	compare | report)
		_filedir json ;;
	esac
} &&
	complete -F _conclab conclab
