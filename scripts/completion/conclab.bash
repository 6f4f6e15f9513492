# bash completion for conclab: verbs, each verb's options (read from
# `conclab VERB --help`, so they never drift from the program), config files
# and the shipped configs by name, plugin names for `info`, kinds for `new`.
# Installed as PREFIX/share/bash-completion/completions/conclab.

_conclab_shipped_configs()
{
	local bin dir
	bin=$(command -v "$1" 2>/dev/null) || return
	dir=$(dirname "$(readlink -f "$bin")")/../share/conclab/configs
	[ -d "$dir" ] && (cd "$dir" && for f in *.cfg; do echo "${f%.cfg}"; done)
}

_conclab()
{
	local cur prev words cword verb i
	_init_completion || return
	local prog=${words[0]}

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
			COMPREPLY=($(compgen -W 'run check plugins info compare report new serve help version' -- "$cur"))
		fi
		return
	fi
	case $prev in
	--plugin-path) _filedir -d; return ;;
	--json | --csv | --journal | --resume | --markdown | --svg | --sweep-svg | --fair-svg | --timeline-svg | --html | --seed-table | --table)
		_filedir; return ;;
	--order) COMPREPLY=($(compgen -W 'random sequential' -- "$cur")); return ;;
	--columns | --repeat | --timeout | --seed | --vs | --cv-threshold | --alpha | --threshold) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$("$prog" "$verb" --help 2>/dev/null | grep -o -- '--[a-z-]*' | sort -u)" -- "$cur"))
		return
	fi
	case $verb in
	run | check)
		COMPREPLY=($(compgen -W "$(_conclab_shipped_configs "$prog")" -- "$cur"))
		_filedir cfg ;;
	info)
		COMPREPLY=($(compgen -W "$("$prog" plugins 2>/dev/null | awk 'NR > 1 && NF { print $1 }')" -- "$cur")) ;;
	new)
		[ "$prev" = new ] && COMPREPLY=($(compgen -W 'strategy sync' -- "$cur")) ;;
	help)
		COMPREPLY=($(compgen -W 'run check plugins info compare report new serve help version' -- "$cur")) ;;
	compare | report)
		_filedir json ;;
	esac
} &&
	complete -F _conclab conclab
