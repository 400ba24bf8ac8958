/*
** test_password.c: unit tests for src/core/password.c's policy
** (password_check_policy) and a round trip through hash and verify.
**
** The policy is NIST SP 800-63B's: 12 to 1,024 characters counted as code
** points, no composition rules, and nothing made only of blanks (the bug:
** twelve spaces were accepted).
*/
#include "core/password.h"
#include "test.h"

#include <string.h>

static const char *policy(const char *pw)
{
	return password_check_policy(pw, strlen(pw));
}

static void bug_twelve_spaces_accepted(void)
{
	CHECK(policy("            ") != NULL);                  /* 12 spaces */
	CHECK(policy("                                ") != NULL); /* 32 */
	CHECK(policy("\t\t\t\t\t\t\t\t\t\t\t\t") != NULL);          /* tabs */
	CHECK(policy("      \n\n\r\n    ") != NULL);             /* line breaks */
	/* Twelve no-break, ideographic and zero-width spaces show as nothing
	** either. */
	char buf[64] = "";
	for (int i = 0; i < 12; i++)
		strcat(buf, i % 3 == 0 ? "\xC2\xA0" : i % 3 == 1 ? "\xE3\x80\x80" : "\xE2\x80\x8B");
	CHECK(policy(buf) != NULL);
	const char *why = policy("            ");
	CHECK(why && strstr(why, "only spaces"));
}

static void test_policy(void)
{
	CHECK(policy("twelve chars") == NULL);            /* a space inside is fine */
	CHECK(policy("  twelve  spaced  ") == NULL);      /* and around */
	CHECK(policy("           x") == NULL);           /* one visible character */
	CHECK(policy("elevenchars") != NULL);             /* 11 */
	CHECK(policy("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	             "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9") != NULL); /* 11 x é */
	CHECK(policy("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	             "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9") == NULL); /* 12 x é */
	CHECK(policy("bad utf8 \xFF here") != NULL);
	CHECK(password_check_policy("with a NUL\0inside", 17) != NULL);
	static char longest[PASSWORD_MAX_CHARS + 2];
	memset(longest, 'y', PASSWORD_MAX_CHARS);
	CHECK(policy(longest) == NULL);
	longest[PASSWORD_MAX_CHARS] = 'y';
	CHECK(policy(longest) != NULL);
}

static void test_hash_verify(void)
{
	char hash[PASSWORD_HASH_MAX];
	CHECK(password_hash("a good long passphrase", 22, hash) == PASSWORD_OK);
	CHECK(strncmp(hash, "$argon2id$", 10) == 0);
	CHECK(password_verify(hash, "a good long passphrase", 22) == PASSWORD_OK);
	CHECK(password_verify(hash, "a good long passphrasE", 22) == PASSWORD_WRONG);
	CHECK(password_verify("", "a good long passphrase", 22) == PASSWORD_WRONG);
	CHECK(password_verify(NULL, "anything", 8) == PASSWORD_WRONG);
}

int main(void)
{
	bug_twelve_spaces_accepted();
	test_policy();
	test_hash_verify();
	return test_done();
}
