/*
** cli.c: the byline command line.  Each command is a function in one of the
** cmd_*.c files; this file reads the command's name and its --db option.
*/
#include "cli/cli.h"
#include "cli/cmd.h"
#include "core/log.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: byline COMMAND --db FILE [options]\n"
    "\n"
    "  serve --db FILE [--listen 127.0.0.1:8080] [--threads N] [--theme DIR]\n"
    "        [--data DIR] [--trust-proxy [--proxy-addr ADDR]] [--no-cache] [--no-preload] [--quiet]\n"
    "        [--max-conns 1000] [--max-conns-per-ip 32 (0: no limit)]\n"
    "        [--max-body-mb 64 (request bodies and answers held at once)]\n"
    "        [--timeout 30 (seconds for a request to arrive, or to idle)]\n"
    "        [--access-log json|logfmt (one line a request, on standard output)]\n"
    "        [--metrics-allow 127.0.0.0/8,::1 (who may read /metrics)]\n"
    "        Serve the site (an empty database gets the demo site first).\n"
    "        Port 0 picks a free port; the address bound is printed.  Uploads go\n"
    "        under --data (default: byline-data beside the database).\n"
    "  demo --db FILE                     Add the demo site's authors and articles.\n"
    "  import-markdown --db FILE DIR      Import DIR/*.md (front matter + Markdown).\n"
    "  import-wordpress --db FILE EXPORT.xml [--uploads DIR] [--fetch-media] [--data DIR]\n"
    "        [--dry-run]\n"
    "        Import a WordPress export (WXR); --uploads is a copy of wp-content/uploads;\n"
    "        --fetch-media fetches the photos not found there from the old site.\n"
    "        Running it again changes nothing; a later export adds what changed.\n"
    "  export-wordpress --db FILE [--base-url URL] > site.xml\n"
    "        The whole site as a WordPress export (WXR 1.2): articles, pages,\n"
    "        authors (no passwords), sections, tags, comments, media.\n"
    "  comments --db FILE list [--status pending|approved|spam|trash]\n"
    "  comments --db FILE approve|spam|trash|unapprove ID\n"
    "  settings --db FILE list | get KEY | set KEY VALUE\n"
    "  user --db FILE add --email E --name N --role administrator|editor|author|contributor\n"
    "  user --db FILE reset-link EMAIL | list\n"
    "        add and reset-link print a one-time link (24 hours) to set the password.\n"
    "  typeset [--html] < IN > OUT\n"
    "        IN with the typography public pages apply (curly quotes, dashes).\n"
    "  check --db FILE (--article ID | --all) [--json] [--store]\n"
    "        The copy desk's checks: one finding a line (article, field, offset,\n"
    "        kind, words, message); exits 1 when there are findings.  --store\n"
    "        keeps them for the desk's articles list, as a save does.\n"
    "  media --db FILE normalize [--dry-run] [--data DIR]\n"
    "        Strip the metadata (GPS, camera) from images an older version stored,\n"
    "        as the server does in the background; one line an image.\n"
    "  copy-db --from SRC --to DST\n"
    "        The whole site into another database (an SQLite file or postgresql://),\n"
    "        created and migrated, which must hold no site; checked by counts and\n"
    "        checksums per table.  Media files (--data) are copied by you.\n"
    "  backup --db SRC OUT                A consistent copy into the SQLite file OUT,\n"
    "        taken while the site serves.\n"
    "  restore --db DST IN [--force]      IN (a backup) into DST, which must hold no\n"
    "        site unless --force (which empties it first).\n";

void cli_data_dir(const char *path, const char *data, char *out, size_t outlen)
{
	if (data) {
		snprintf(out, outlen, "%s", data);
		return;
	}
	/* A PostgreSQL URL has no folder to be beside: the current one. */
	const char *slash = strstr(path, "://") ? NULL : strrchr(path, '/');
	snprintf(out, outlen, "%.*s%sbyline-data", slash ? (int)(slash - path) : 0, path,
	         slash ? "/" : "");
}

const char *cli_option(int argc, char **argv, const char *name)
{
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return argv[i + 1];
	return NULL;
}

int cli_flag(int argc, char **argv, const char *name)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return 1;
	return 0;
}

int cli_positional(int argc, char **argv, const char **out, int max)
{
	/* Options that take a value; anything else starting with "--" is a flag. */
	static const char *const valued[] = {"--db", "--listen", "--threads", "--theme",
	                                     "--status", "--email", "--name", "--role",
	                                     "--data", "--max-conns", "--max-conns-per-ip",
	                                     "--timeout", "--proxy-addr", "--max-body-mb", "--uploads",
	                                     "--base-url", "--article", "--from", "--to",
	                                     NULL};
	int n = 0;
	for (int i = 2; i < argc; i++) {
		if (!strncmp(argv[i], "--", 2)) {
			for (int k = 0; valued[k]; k++)
				if (!strcmp(argv[i], valued[k])) {
					i++;
					break;
				}
			continue;
		}
		if (n < max)
			out[n] = argv[i];
		n++;
	}
	return n;
}

/* Every command, by name: the name is known before --db is asked for, so
** a mistyped command is called unknown whatever else was typed. */
static const struct {
	const char *name;                         /* argv[1] */
	int (*run)(const char *db, int argc, char **argv); /* its cmd_*() */
} commands[] = {
	{"serve", cmd_serve},
	{"demo", NULL},
	{"import-markdown", cmd_import},
	{"import-wordpress", cmd_import_wordpress},
	{"comments", cmd_comments},
	{"settings", cmd_settings},
	{"user", cmd_user},
	{"export-wordpress", cmd_export_wordpress},
	{"check", cmd_check},
	{"media", cmd_media},
	{"backup", cmd_backup},
	{"restore", cmd_restore},
};

int cli_main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "typeset"))
		return cmd_typeset(argc, argv); /* no database */
	if (!strcmp(cmd, "copy-db"))
		return cmd_copy_db(argc, argv); /* two databases */
	size_t i = 0;
	while (i < sizeof commands / sizeof *commands && strcmp(cmd, commands[i].name))
		i++;
	if (i == sizeof commands / sizeof *commands) {
		fprintf(stderr, "byline: unknown command '%s'\n\n%s", cmd, usage);
		return 2;
	}
	const char *db = cli_option(argc, argv, "--db");
	if (!db) {
		fprintf(stderr, "byline %s: --db FILE is required\n\n%s", cmd, usage);
		return 2;
	}
	if (!commands[i].run)
		return cmd_demo(db);
	return commands[i].run(db, argc, argv);
}
