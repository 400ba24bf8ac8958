/*
** i18n_mark.h: the marks that name a string for the message catalogues
** (tools/i18n-extract.sh finds them with xgettext).  They change nothing at
** run time: the string is translated where it is shown, by tr() (web/web.h),
** against the catalogues render/i18n.c reads.  They live in core/ so that
** any layer may mark a sentence it only names (core's password rules, a
** model's table of labels) without reaching up to render/.
*/
#ifndef BYLINE_CORE_I18N_MARK_H
#define BYLINE_CORE_I18N_MARK_H

/* A reader-facing string (po/byline.pot).  NC_ adds a context ("month",
** "weekday") that tells two equal English words apart. */
#define N_(s) s
#define NC_(ctx, s) s
/* A desk string named outside the desk's own files (src/web/admin*.c), like
** a status label in model/: extracted into po/desk.pot, not po/byline.pot. */
#define DN_(s) s

#endif
