/*
** status.c: article and comment statuses between text and enum.
*/
#include "model/status.h"
#include "render/i18n.h"

#include <string.h>

static const char *const article_names[] = {"", "draft", "pending", "scheduled",
                                            "published", "private", "trash"};
/* The labels are the desk's words (DN_: po/desk.pot), shown through tr(). */
static const char *const article_labels[] = {"", DN_("Draft"), DN_("Pending review"),
                                             DN_("Scheduled"), DN_("Published"),
                                             DN_("Private (staff only)"), DN_("Trash")};
static const char *const comment_names[] = {"", "pending", "approved", "spam", "trash"};
static const char *const verdict_names[] = {"", "good", "bad"};
static const char *const page_names[] = {"", "draft", "published", "private", "trash"};
static const char *const page_labels[] = {"", DN_("Draft"), DN_("Published"),
                                          DN_("Private (staff only)"), DN_("Trash")};

enum article_status article_status_parse(const char *s)
{
	for (int i = ARTICLE_DRAFT; s && i <= ARTICLE_TRASH; i++)
		if (!strcmp(s, article_names[i]))
			return (enum article_status)i;
	return ARTICLE_STATUS_NONE;
}

const char *article_status_name(enum article_status s)
{
	return article_names[s >= ARTICLE_DRAFT && s <= ARTICLE_TRASH ? s : 0];
}

const char *article_status_label(enum article_status s)
{
	return article_labels[s >= ARTICLE_DRAFT && s <= ARTICLE_TRASH ? s : 0];
}

enum comment_status comment_status_parse(const char *s)
{
	for (int i = COMMENT_PENDING; s && i <= COMMENT_TRASH; i++)
		if (!strcmp(s, comment_names[i]))
			return (enum comment_status)i;
	return COMMENT_STATUS_NONE;
}

const char *comment_status_name(enum comment_status s)
{
	return comment_names[s >= COMMENT_PENDING && s <= COMMENT_TRASH ? s : 0];
}

enum commenter_verdict commenter_verdict_parse(const char *s)
{
	for (int i = VERDICT_GOOD; s && i <= VERDICT_BAD; i++)
		if (!strcmp(s, verdict_names[i]))
			return (enum commenter_verdict)i;
	return VERDICT_NONE;
}

const char *commenter_verdict_name(enum commenter_verdict v)
{
	return verdict_names[v >= VERDICT_GOOD && v <= VERDICT_BAD ? v : 0];
}

enum page_status page_status_parse(const char *s)
{
	for (int i = PAGE_DRAFT; s && i <= PAGE_PRIVATE; i++)
		if (!strcmp(s, page_names[i]))
			return (enum page_status)i;
	return PAGE_STATUS_NONE;
}

const char *page_status_name(enum page_status s)
{
	return page_names[s >= PAGE_DRAFT && s <= PAGE_TRASH ? s : 0];
}

const char *page_status_label(enum page_status s)
{
	return page_labels[s >= PAGE_DRAFT && s <= PAGE_TRASH ? s : 0];
}

static const char *const wm_names[] = {"", "verified", "no_link", "unreachable", "http_error"};
static const char *const wm_labels[] = {"Pending", "Verified", "No link to the article",
                                        "Source unreachable", "Source answered an error"};

enum webmention_verdict webmention_verdict_parse(const char *s)
{
	for (int i = WM_VERIFIED; s && i <= WM_HTTP_ERROR; i++)
		if (!strcmp(s, wm_names[i]))
			return (enum webmention_verdict)i;
	return WM_PENDING;
}

const char *webmention_verdict_name(enum webmention_verdict v)
{
	return wm_names[v >= WM_VERIFIED && v <= WM_HTTP_ERROR ? v : 0];
}

const char *webmention_verdict_label(enum webmention_verdict v)
{
	return wm_labels[v >= WM_VERIFIED && v <= WM_HTTP_ERROR ? v : 0];
}
