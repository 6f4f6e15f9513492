# Writes a text file as a C array (a NUL-terminated string), for a plugin
# that carries its source of another language inside its own .so:
#   cmake -DIN=tasks.py -DOUT=tasks_py.h -DNAME=clpy_tasks_py -P embed_text.cmake
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE ${OUT} "/* generated from ${IN} by cmake/embed_text.cmake */\nstatic const char ${NAME}[] = {\n${bytes}0x00 };\n")
