/*
** main.c: the byline command.  Everything it does lives in the library;
** this file only hands the arguments to the command-line layer.
*/
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
