/*
** cmd.h: the commands, one function each, and the option readers they
** share.  Each returns the process exit status: 0 ok, 1 failed, 2 misused.
*/
#ifndef BYLINE_CLI_CMD_H
#define BYLINE_CLI_CMD_H

#include <stddef.h>

int cmd_serve(const char *db, int argc, char **argv);
int cmd_demo(const char *db);
int cmd_import(const char *db, int argc, char **argv);
int cmd_import_wordpress(const char *db, int argc, char **argv);
int cmd_comments(const char *db, int argc, char **argv);
int cmd_settings(const char *db, int argc, char **argv);
int cmd_user(const char *db, int argc, char **argv);
int cmd_export_wordpress(const char *db, int argc, char **argv);
int cmd_typeset(int argc, char **argv); /* no database */
int cmd_check(const char *db, int argc, char **argv);
int cmd_media(const char *db, int argc, char **argv);
int cmd_copy_db(int argc, char **argv); /* --from, --to instead of --db */
int cmd_backup(const char *db, int argc, char **argv);
int cmd_restore(const char *db, int argc, char **argv);

/* The value after option `name`, or NULL. */
const char *cli_option(int argc, char **argv, const char *name);
/* 1 if flag `name` is present. */
int cli_flag(int argc, char **argv, const char *name);
/* The data folder (uploads, media) of database path: data when given
** (--data), else "byline-data" beside the database; into out. */
void cli_data_dir(const char *path, const char *data, char *out, size_t outlen);
/* The arguments after the command that are not options; returns how many
** there are (storing at most max). */
int cli_positional(int argc, char **argv, const char **out, int max);

#endif
