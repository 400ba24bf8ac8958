/*
** cli.h: the byline command line (serve, demo, import-markdown, comments).
*/
#ifndef BYLINE_CLI_CLI_H
#define BYLINE_CLI_CLI_H

/* Runs the command in argv; returns the process exit status. */
int cli_main(int argc, char **argv);

#endif
