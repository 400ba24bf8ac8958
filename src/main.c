/*
** main.c: the byline command.  Everything it does lives in the library;
** this file only hands the arguments to the command-line layer.
*/
#include "cli/cli.h"
#include "core/image.h"

int main(int argc, char **argv)
{
	int rc = cli_main(argc, argv);
	image_shutdown(); /* libvips' state, if a command started it */
	return rc;
}
