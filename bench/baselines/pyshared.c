/* python3 itself, linked against the shared libpython the py-* strategies
 * embed: Debian's /usr/bin/python3 is linked statically and runs Python
 * code faster than libpython3.X.so does, so bench/run python also runs the
 * tutorial's programs through this, to tell the harness's cost from the
 * library's. */
#include <Python.h>

int main(int argc, char **argv)
{
	return Py_BytesMain(argc, argv);
}
