/*
** cmd_user.c: staff accounts from the command line.
**
**   byline user --db F add --email E --name N --role R
**   byline user --db F reset-link E
**   byline user --db F list
**
** add and reset-link print a one-time link to set the password, valid 24
** hours, on base_url; without base_url they print the path alone and say
** that base_url must be set (never a guessed address: the port a command
** would guess is not the one a proxy or the server uses).  With base_url
** and smtp_url set, add also queues the invitation mail (the running
** server sends it).
*/
#include "cli/cmd.h"
#include "core/arena.h"
#include "db/db.h"
#include "model/account.h"
#include "model/pwreset.h"
#include "model/schema.h"
#include "model/settings.h"

#include <stdio.h>
#include <string.h>

#define LINK_SECONDS (24 * 3600)

/* base_url without trailing slashes ("" if unset).  Allocated in a. */
static char *base_url(struct db *db, struct arena *a)
{
	char *base = settings_get(db, a, "base_url");
	size_t n = base ? strlen(base) : 0;
	while (n && base[n - 1] == '/')
		base[--n] = 0;
	return base ? base : "";
}

static void print_link(struct db *db, struct arena *a, const char *token)
{
	char *base = base_url(db, a);
	if (*base) {
		printf("%s%s\n", base, pwreset_path(a, token));
	} else {
		/* The site's address is not known here (the port is the server's,
		** or a proxy's): the path, and how to make links whole. */
		printf("%s\n", pwreset_path(a, token));
		printf("This is the path only: open it on the address the site is served at.\n"
		       "base_url is not set. Set it to the address readers use, and links are\n"
		       "printed whole (and mailed):\n"
		       "  byline settings --db FILE set base_url https://news.example.com\n");
	}
	printf("The link works once, for 24 hours.\n");
}

/* With base_url and a mail server set, queues acct's invitation. */
static void queue_invitation(struct db *db, struct arena *a, const struct account *acct,
                             const char *token)
{
	char *base = base_url(db, a);
	char *smtp = settings_get(db, a, "smtp_url");
	if (!*base || !smtp || !*smtp)
		return;
	char *site = settings_get(db, a, "site_title");
	if (pwreset_mail(db, acct, arena_printf(a, "%s%s", base, pwreset_path(a, token)),
	                 site, 1) > 0)
		printf("An invitation with the link is queued to %s (the running server sends "
		       "it).\n", acct->email);
}

int cmd_user(const char *path, int argc, char **argv)
{
	const char *pos[3];
	int n = cli_positional(argc, argv, pos, 3);
	static const char usage[] =
	    "usage: byline user --db FILE add --email E --name N --role administrator|editor|author|contributor\n"
	    "       byline user --db FILE reset-link EMAIL\n"
	    "       byline user --db FILE list\n";
	if (n < 1) {
		fputs(usage, stderr);
		return 2;
	}
	char err[512];
	struct db *db = model_open(path, err, sizeof err);
	if (!db) {
		fprintf(stderr, "byline user: %s\n", err);
		return 1;
	}
	struct arena *a = arena_new();
	int rc = 2;
	if (!strcmp(pos[0], "add") && n == 1) {
		const char *email = cli_option(argc, argv, "--email");
		const char *name = cli_option(argc, argv, "--name");
		const char *role = cli_option(argc, argv, "--role");
		if (!email || !name || !role) {
			fputs(usage, stderr);
		} else {
			long long id = account_create(db, a, email, name, role_parse(role), err, sizeof err);
			char *token = id > 0 ? account_link_new(db, a, id, LINK_SECONDS) : NULL;
			if (!token) {
				fprintf(stderr, "byline user: %s\n", id > 0 ? db_errmsg(db) : err);
				rc = 1;
			} else {
				printf("Created %s (%s). To set the password, open:\n", name, role);
				print_link(db, a, token);
				struct account acct;
				if (account_by_id(db, a, id, &acct) == 0)
					queue_invitation(db, a, &acct, token);
				rc = 0;
			}
		}
	} else if (!strcmp(pos[0], "reset-link") && n == 2) {
		struct account acct;
		if (account_by_email(db, a, pos[1], &acct) != 0) {
			fprintf(stderr, "byline user: no account has the email %s\n", pos[1]);
			rc = 1;
		} else {
			char *token = account_link_new(db, a, acct.id, LINK_SECONDS);
			if (!token) {
				fprintf(stderr, "byline user: %s\n", db_errmsg(db));
				rc = 1;
			} else {
				printf("To set a new password for %s, open:\n", acct.email);
				print_link(db, a, token);
				rc = 0;
			}
		}
	} else if (!strcmp(pos[0], "list") && n == 1) {
		size_t k;
		struct account *list = account_list(db, a, &k);
		for (size_t i = 0; i < k; i++)
			printf("%lld\t%s\t%s\t%s\t%s\n", list[i].id, role_name(list[i].role),
			       list[i].email, list[i].name,
			       list[i].suspended_at     ? "suspended"
			       : *list[i].password_hash ? "password set"
			                                : "no password");
		rc = 0;
	} else {
		fputs(usage, stderr);
	}
	arena_free(a);
	db_close(db);
	return rc;
}
