/*
** email.h: the one check of an email address, for every form and the mail
** queue (readers' comments, staff accounts, notifications).
*/
#ifndef BYLINE_CORE_EMAIL_H
#define BYLINE_CORE_EMAIL_H

#include <stddef.h>

#define EMAIL_MAX 254 /* RFC 5321: a path of 256 bytes, less the angle brackets */

/* 1 if s is a plain address "local@domain.tld" a person types and a mail
** server takes: at most 254 bytes, the local part at most 64, made of RFC
** 5322 atext atoms joined by single dots (no quoted strings, no comments);
** the domain two or more labels (as WordPress's is_email() asks) of ASCII
** letters, digits and inner hyphens, each at most 63.  Anything else
** (spaces, CR, LF, '<', ',', a second '@', non-ASCII, an IP literal) gives
** 0, so an address can never smuggle a header line or a second recipient. */
int email_valid(const char *s);

#endif
