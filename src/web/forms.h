/*
** forms.h: each form's fields and their limits, from which the route
** table's body limits are computed (route.c).
**
** A browser sends a form as application/x-www-form-urlencoded: every byte
** of a field's UTF-8 that is not an ASCII letter, digit or one of "*-._"
** becomes "%XX", so one character (up to 4 bytes of UTF-8) takes up to 12
** bytes on the wire, and a line break (CR LF, counted as one character)
** takes 6.  A body limit below 12 bytes a character refuses, with a bare
** 413 and the text gone, a comment well within its limit: 22,000 Cyrillic
** characters (2 bytes each, 6 encoded) were 132 KB against a 128 KB
** limit.  So a form's body limit is, for each field, its name, '=' and
** '&', plus 12 bytes for each character it may hold; plus FORM_SLACK for
** what a browser adds (the submit button's name and value).  A field over
** its limit then always reaches the handler, which refuses it with the
** form and the text kept.
**
** Each form is a list F(name, max characters); FORM_BODY_LIMIT(list) is
** a constant, usable in the route table.  The character limits are the
** ones the handlers check (COMMENT_MAX_*, PASSWORD_MAX_CHARS, ...): one
** number each, here and there.
*/
#ifndef BYLINE_WEB_FORMS_H
#define BYLINE_WEB_FORMS_H

#include "core/email.h"
#include "core/password.h"
#include "model/autosave.h"
#include "model/comment.h"
#include "model/note.h"
#include "model/media.h"
#include "model/settings.h"

#include <stddef.h>

#define FORM_BYTES_PER_CHAR 12 /* a 4-byte UTF-8 character, percent-encoded */
#define FORM_SLACK 2048        /* the submit button, and room to spare */

/* The bytes one field can take: "name=" + value + "&". */
#define FORM_FIELD_SIZE(name_len, chars) \
	((size_t)(name_len) + 2 + FORM_BYTES_PER_CHAR * (size_t)(chars))
#define FORM_FIELD_BYTES(name, chars) +FORM_FIELD_SIZE(sizeof(name) - 1, chars)
#define FORM_BODY_LIMIT(FORM) ((size_t)FORM_SLACK FORM(FORM_FIELD_BYTES))
#define FORM_MAX(x, y) ((x) > (y) ? (x) : (y))

/* Hidden fields' lengths: a CSRF token (64 hex digits), a form token
** ("seconds.mac"), an id, a desk address to go back to. */
#define FORM_TOKEN_CHARS 128
#define FORM_ID_CHARS 20
#define FORM_BACK_CHARS 200

/* The reader's comment form (templates/comment_form.mustache). */
#define COMMENT_FORM(F)                       \
	F("comment", COMMENT_MAX_BODY)        \
	F("author", COMMENT_MAX_NAME)         \
	F("email", COMMENT_MAX_EMAIL)         \
	F("url", COMMENT_MAX_URL)             \
	F("wp-comment-cookies-consent", 3)    \
	F("byline_hp", COMMENT_MAX_NAME)      \
	F("comment_parent", FORM_ID_CHARS)    \
	F("byline_token", FORM_TOKEN_CHARS)

/* The desk's comment page has two forms posted to one address
** (templates/admin_comment.mustache): a reply, and an edit. */
#define DESK_REPLY_FORM(F)                    \
	F("csrf", FORM_TOKEN_CHARS)           \
	F("back", FORM_BACK_CHARS)            \
	F("reply", COMMENT_MAX_BODY)          \
	F("action", 20)
#define DESK_EDIT_FORM(F)                     \
	F("csrf", FORM_TOKEN_CHARS)           \
	F("author", COMMENT_MAX_NAME)         \
	F("email", COMMENT_MAX_EMAIL)         \
	F("url", COMMENT_MAX_URL)             \
	F("body", COMMENT_MAX_BODY)           \
	F("action", 20)
#define DESK_COMMENT_BODY_LIMIT \
	FORM_MAX(FORM_BODY_LIMIT(DESK_REPLY_FORM), FORM_BODY_LIMIT(DESK_EDIT_FORM))

/* Signing in (templates/admin_login.mustache): `next` is the page to go
** back to. */
#define LOGIN_FORM(F)                         \
	F("next", 1000)                       \
	F("email", EMAIL_MAX)                 \
	F("password", PASSWORD_MAX_CHARS)

/* A sign-in form may carry the fields of an editor form refused because its
** session had ended (admin_login_carry()): at most what a signed-out client
** may send (WEB_SIGNED_OUT_BODY), percent-encoded (3 bytes a byte), and
** their names. */
#define LOGIN_CARRY_BYTES (3 * 8 * 1024 + 2048)
#define LOGIN_BODY_LIMIT (FORM_BODY_LIMIT(LOGIN_FORM) + LOGIN_CARRY_BYTES)

/* What the editor's script sends to autosave and to the live preview
** (static/desk.js): the article's id, the text fields and the featured
** image (model/autosave.h's limits). */
#define EDITOR_LIVE_FORM(F)                   \
	F("csrf", FORM_TOKEN_CHARS)           \
	F("article_id", FORM_ID_CHARS)        \
	F("headline", AUTOSAVE_MAX_HEADLINE)  \
	F("dek", AUTOSAVE_MAX_DEK)            \
	F("body", AUTOSAVE_MAX_BODY)          \
	F("tags", AUTOSAVE_MAX_TAGS)          \
	F("featured_media", FORM_ID_CHARS)    \
	F("featured_alt", 500)

/* The editor's form (templates/admin_editor.mustache) without its file:
** the most a writer whose session timed out a moment ago may send
** (route.c, the lapsed limit); its text is kept as their autosave. */
#define EDITOR_FORM(F)                        \
	EDITOR_LIVE_FORM(F)                   \
	F("slug", 200)                        \
	F("status", 20)                       \
	F("section", FORM_ID_CHARS)           \
	F("new_section", 100)                 \
	F("author", FORM_ID_CHARS)            \
	F("coauthors_sent", 3)                \
	F("coauthors", 2000)                  \
	F("publish_date", 10)                 \
	F("publish_time", 5)                  \
	F("comments_open", 3)                 \
	F("is_sticky", 3)                     \
	F("featured_file", 0)                 \
	F("action", 20)

/* Setting a password from a one-time link (templates/admin_password.mustache). */
#define PASSWORD_FORM(F)                      \
	F("token", FORM_TOKEN_CHARS)          \
	F("password", PASSWORD_MAX_CHARS)     \
	F("password2", PASSWORD_MAX_CHARS)

/* Adding an account, and changing one's role (templates/admin_users.mustache). */
#define USER_NAME_MAX 100
#define USERS_FORM(F)                         \
	F("csrf", FORM_TOKEN_CHARS)           \
	F("name", USER_NAME_MAX)              \
	F("email", EMAIL_MAX)                 \
	F("role", 20)                         \
	F("action", 20)

/* The front page's stories in the desk (templates/admin_front.mustache). */
#define FRONT_FORM(F)                         \
	F("csrf", FORM_TOKEN_CHARS)           \
	F("action", 20)                       \
	F("article_id", 20)                   \
	F("position", 6)                      \
	F("until_date", 10)                   \
	F("until_time", 5)

/* Deleting an account (templates/admin_user_delete.mustache): who inherits. */
#define USER_DELETE_FORM(F)                   \
	F("csrf", FORM_TOKEN_CHARS)           \
	F("heir", FORM_ID_CHARS)

/* Changing one's own password (templates/admin_profile.mustache). */
#define PROFILE_PASSWORD_FORM(F)              \
	F("csrf", FORM_TOKEN_CHARS)           \
	F("current", PASSWORD_MAX_CHARS)      \
	F("password", PASSWORD_MAX_CHARS)     \
	F("password2", PASSWORD_MAX_CHARS)

/* Ending one's sessions (templates/admin_profile.mustache). */
#define PROFILE_SESSIONS_FORM(F)              \
	F("csrf", FORM_TOKEN_CHARS)           \
	F("session", FORM_ID_CHARS)           \
	F("action", 20)

/* Asking for a password link (templates/admin_forgot.mustache). */
#define FORGOT_FORM(F)                        \
	F("email", EMAIL_MAX)

/* A static page in the desk (templates/admin_page_editor.mustache). */
#define PAGE_MAX_TITLE 300
#define PAGE_MAX_BODY (1024 * 1024)
#define PAGE_FORM(F)                          \
	F("csrf", FORM_TOKEN_CHARS)           \
	F("title", PAGE_MAX_TITLE)            \
	F("slug", 200)                        \
	F("body", PAGE_MAX_BODY)              \
	F("parent", FORM_ID_CHARS)            \
	F("menu_order", 10)                   \
	F("status", 20)                       \
	F("action", 20)

/* A correction or update on a published article (admin_notes.c,
** templates/admin_notes.mustache). */
#define NOTE_FORM(F)                          \
	F("csrf", FORM_TOKEN_CHARS)           \
	F("kind", 20)                         \
	F("text", NOTE_MAX_CHARS)
/* One image of the media library (templates/admin_media_item.mustache). */
#define MEDIA_FORM(F)                         \
	F("csrf", FORM_TOKEN_CHARS)           \
	F("title", MEDIA_MAX_TITLE)           \
	F("caption", MEDIA_MAX_CAPTION)       \
	F("credit", MEDIA_MAX_CREDIT)         \
	F("copyright", MEDIA_MAX_COPYRIGHT)   \
	F("alt", MEDIA_MAX_ALT)
/* "Add to dictionary" from the copy desk's findings (admin_findings.c):
** the word (COPYDESK_WORD_MAX characters) and the article to check again. */
#define DICTIONARY_FORM(F)                    \
	F("csrf", FORM_TOKEN_CHARS)           \
	F("word", 60)                         \
	F("article", FORM_ID_CHARS)

/* The settings (admin_settings.c, one field per row of model/settings.c's
** table): a CSRF token and at most one field per setting (SETTINGS_N, so
** a new row in the table widens the limit with it) of at most
** SETTINGS_VALUE_MAX characters each, named by keys of at most
** SETTINGS_KEY_MAX. */
#define SETTINGS_FORM_FIELDS SETTINGS_N
#define SETTINGS_KEY_MAX 32
#define SETTINGS_VALUE_MAX SETTING_TEXT_MAX
#define SETTINGS_BODY_LIMIT                                 \
	(FORM_BODY_LIMIT(SETTINGS_HIDDEN_FORM) +            \
	 SETTINGS_FORM_FIELDS * FORM_FIELD_SIZE(SETTINGS_KEY_MAX, SETTINGS_VALUE_MAX))
#define SETTINGS_HIDDEN_FORM(F) F("csrf", FORM_TOKEN_CHARS)

/* The desk's Sections screen (templates/admin_sections.mustache and
** admin_section.mustache): a section, and where a deleted one's articles go. */
#define SECTION_MAX_NAME 100
#define SECTION_MAX_DESCRIPTION 1000
#define SECTION_FORM(F)                          \
	F("csrf", FORM_TOKEN_CHARS)              \
	F("name", SECTION_MAX_NAME)              \
	F("slug", 200)                           \
	F("parent", FORM_ID_CHARS)               \
	F("description", SECTION_MAX_DESCRIPTION) \
	F("position", 10)                        \
	F("move_to", FORM_ID_CHARS)

/* The desk's Tags screen: rename, merge into another, delete. */
#define TAG_MAX_NAME 100
#define TAG_FORM(F)                           \
	F("csrf", FORM_TOKEN_CHARS)           \
	F("name", TAG_MAX_NAME)               \
	F("slug", 200)                        \
	F("into", FORM_ID_CHARS)              \
	F("action", 20)

/* The desk's Menus screen: one item added, moved, relabelled or removed. */
#define MENU_MAX_LABEL 100
#define MENU_MAX_URL 2000
#define MENU_FORM(F)                          \
	F("csrf", FORM_TOKEN_CHARS)           \
	F("menu", 10)                         \
	F("item", FORM_ID_CHARS)              \
	F("kind", 10)                         \
	F("section", FORM_ID_CHARS)           \
	F("page", FORM_ID_CHARS)              \
	F("label", MENU_MAX_LABEL)            \
	F("url", MENU_MAX_URL)                \
	F("action", 20)

#endif
