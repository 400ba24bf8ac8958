/*
** schema.c: Byline's tables.  A migration, once released, is never edited:
** a change is a new migration appended to the list.
**
** Times are integer seconds since the epoch, UTC; they are turned into the
** site's time zone only when shown.  Statuses are CHECK-constrained text so
** that a bad value cannot be stored by any path.
*/
#include "model/schema.h"
#include "model/schema_pg.h"
#include "model/copydb.h"
#include "model/settings.h"
#include "model/article.h"
#include "model/comment.h"
#include "model/menu.h"
#include "model/page.h"
#include "db/db.h"

#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char migration_1[] =
    "CREATE TABLE settings("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ") WITHOUT ROWID;"

    "CREATE TABLE users("
    "  id INTEGER PRIMARY KEY,"
    "  email TEXT UNIQUE,"
    "  display_name TEXT NOT NULL,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  bio TEXT NOT NULL DEFAULT '',"
    "  avatar_path TEXT NOT NULL DEFAULT '',"
    "  role TEXT NOT NULL DEFAULT 'author'"
    "    CHECK (role IN ('administrator','editor','author','contributor')),"
    "  password_hash TEXT,"
    "  created_at INTEGER NOT NULL"
    ");"

    "CREATE TABLE sections("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  parent_id INTEGER REFERENCES sections(id) ON DELETE SET NULL,"
    "  description TEXT NOT NULL DEFAULT ''"
    ");"

    "CREATE TABLE tags("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  slug TEXT NOT NULL UNIQUE"
    ");"

    "CREATE TABLE articles("
    "  id INTEGER PRIMARY KEY,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  headline TEXT NOT NULL,"
    "  dek TEXT NOT NULL DEFAULT '',"
    "  body_src TEXT NOT NULL DEFAULT '',"
    "  body_html TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL DEFAULT 'draft'"
    "    CHECK (status IN ('draft','pending','scheduled','published')),"
    "  published_at INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  author_id INTEGER NOT NULL REFERENCES users(id),"
    "  section_id INTEGER REFERENCES sections(id) ON DELETE SET NULL,"
    "  comments_open INTEGER NOT NULL DEFAULT 1"
    ");"
    "CREATE INDEX articles_published ON articles(status, published_at);"
    "CREATE INDEX articles_author ON articles(author_id, status, published_at);"
    "CREATE INDEX articles_section ON articles(section_id, status, published_at);"

    "CREATE TABLE article_tags("
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (article_id, tag_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX article_tags_tag ON article_tags(tag_id, article_id);"

    "CREATE TABLE comments("
    "  id INTEGER PRIMARY KEY,"
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  parent_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,"
    "  author_name TEXT NOT NULL,"
    "  author_email TEXT NOT NULL,"
    "  author_url TEXT NOT NULL DEFAULT '',"
    "  body TEXT NOT NULL,"
    "  body_html TEXT NOT NULL,"
    "  ip TEXT NOT NULL DEFAULT '',"
    "  user_agent TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL DEFAULT 'pending'"
    "    CHECK (status IN ('pending','approved','spam','trash')),"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX comments_article ON comments(article_id, status, created_at);"
    "CREATE INDEX comments_ip ON comments(ip, created_at);"
    "CREATE INDEX comments_author ON comments(author_email, author_name, status);"
    "CREATE INDEX comments_status ON comments(status, created_at);";

/* The newsroom desk: sessions, set-password links, login throttling,
** revisions, old slugs, media, the mail queue, what moderators taught the
** spam rules, and staff replies. */
static const char migration_2[] =
    "ALTER TABLE users ADD COLUMN links TEXT NOT NULL DEFAULT '';"

    "CREATE TABLE sessions("
    "  id INTEGER PRIMARY KEY,"
    "  token_hash TEXT NOT NULL UNIQUE,"   /* hex SHA-256 of the cookie's token */
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  csrf TEXT NOT NULL,"                /* per-session form token */
    "  created_at INTEGER NOT NULL,"
    "  seen_at INTEGER NOT NULL,"
    "  ip TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX sessions_user ON sessions(user_id);"

    "CREATE TABLE password_links("
    "  token_hash TEXT PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  expires_at INTEGER NOT NULL,"
    "  used_at INTEGER"
    ") WITHOUT ROWID;"

    "CREATE TABLE login_failures("
    "  id INTEGER PRIMARY KEY,"
    "  account TEXT NOT NULL,"             /* the email as typed, lowercased */
    "  ip TEXT NOT NULL,"
    "  at INTEGER NOT NULL"
    ");"
    "CREATE INDEX login_failures_account ON login_failures(account, at);"
    "CREATE INDEX login_failures_ip ON login_failures(ip, at);"

    "CREATE TABLE media("
    "  id INTEGER PRIMARY KEY,"
    "  hash TEXT NOT NULL UNIQUE,"         /* hex SHA-256 of the bytes */
    "  mime TEXT NOT NULL,"
    "  ext TEXT NOT NULL,"
    "  width INTEGER NOT NULL,"
    "  height INTEGER NOT NULL,"
    "  bytes INTEGER NOT NULL,"
    "  uploaded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  created_at INTEGER NOT NULL"
    ");"

    "ALTER TABLE articles ADD COLUMN featured_media_id INTEGER REFERENCES media(id)"
    "  ON DELETE SET NULL;"
    "ALTER TABLE articles ADD COLUMN featured_alt TEXT NOT NULL DEFAULT '';"

    "CREATE TABLE revisions("
    "  id INTEGER PRIMARY KEY,"
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  created_at INTEGER NOT NULL,"
    "  headline TEXT NOT NULL,"
    "  slug TEXT NOT NULL,"
    "  dek TEXT NOT NULL,"
    "  body_src TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  published_at INTEGER,"
    "  section_id INTEGER,"
    "  tags TEXT NOT NULL DEFAULT '',"     /* names, comma-separated */
    "  featured_media_id INTEGER,"
    "  featured_alt TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX revisions_article ON revisions(article_id, id);"

    "CREATE TABLE old_slugs("
    "  slug TEXT PRIMARY KEY,"
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE"
    ") WITHOUT ROWID;"

    "CREATE TABLE mail_queue("
    "  id INTEGER PRIMARY KEY,"
    "  to_addr TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_at INTEGER NOT NULL,"
    "  sent_at INTEGER,"
    "  last_error TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX mail_queue_due ON mail_queue(sent_at, next_at);"

    "CREATE TABLE commenters("              /* what moderation taught */
    "  email TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  verdict TEXT NOT NULL CHECK (verdict IN ('good','bad')),"
    "  updated_at INTEGER NOT NULL,"
    "  PRIMARY KEY (email, name)"
    ") WITHOUT ROWID;"

    "ALTER TABLE comments ADD COLUMN user_id INTEGER REFERENCES users(id)"
    "  ON DELETE SET NULL;"
    "ALTER TABLE comments ADD COLUMN edited_at INTEGER;";

/* Search: a full-text index of every article (search shows only published
** ones), kept in step by article.c in the same transaction as each write. */
static const char migration_3[] =
    "CREATE VIRTUAL TABLE articles_fts USING fts5("
    "  headline, dek, body, tokenize = 'unicode61 remove_diacritics 2');"
    "INSERT INTO articles_fts(rowid, headline, dek, body)"
    "  SELECT id, headline, dek, body_src FROM articles;";

/* Feeds and sitemaps ask for the newest change. */
static const char migration_4[] =
    "CREATE INDEX articles_updated ON articles(status, updated_at);";

/* What changed, for the page cache: every write that can alter a public
** page leaves a row here, whoever made it (the server, the command line,
** another node).  kind: 'article' (that article's page), 'lists' (anything
** a listing, feed or related box shows), 'comments' (an article's
** comments), 'author', 'all'.  Servers read rows newer than the last they
** saw; old rows are pruned. */
static const char migration_5[] =
    "CREATE TABLE changes("
    "  seq INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  id INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE TRIGGER articles_ins AFTER INSERT ON articles BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('article', NEW.id), ('lists', 0);"
    " END;"
    "CREATE TRIGGER articles_del AFTER DELETE ON articles BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('article', OLD.id), ('lists', 0);"
    " END;"
    "CREATE TRIGGER articles_upd AFTER UPDATE ON articles BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('article', NEW.id);"
    "  INSERT INTO changes(kind, id) SELECT 'lists', 0 WHERE"
    "    OLD.headline IS NOT NEW.headline OR OLD.dek IS NOT NEW.dek"
    "    OR OLD.status IS NOT NEW.status OR OLD.slug IS NOT NEW.slug"
    "    OR OLD.published_at IS NOT NEW.published_at OR OLD.section_id IS NOT NEW.section_id"
    "    OR OLD.author_id IS NOT NEW.author_id"
    "    OR OLD.featured_media_id IS NOT NEW.featured_media_id"
    "    OR OLD.updated_at IS NOT NEW.updated_at AND OLD.status = 'published';"
    " END;"
    "CREATE TRIGGER article_tags_ins AFTER INSERT ON article_tags BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('article', NEW.article_id), ('lists', 0);"
    " END;"
    "CREATE TRIGGER article_tags_del AFTER DELETE ON article_tags BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('article', OLD.article_id), ('lists', 0);"
    " END;"
    "CREATE TRIGGER comments_ins AFTER INSERT ON comments WHEN NEW.status = 'approved' BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('comments', NEW.article_id);"
    " END;"
    "CREATE TRIGGER comments_upd AFTER UPDATE ON comments BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('comments', NEW.article_id);"
    " END;"
    "CREATE TRIGGER comments_del AFTER DELETE ON comments BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('comments', OLD.article_id);"
    " END;"
    "CREATE TRIGGER users_upd AFTER UPDATE OF display_name, slug, bio, avatar_path, links"
    "  ON users BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('author', NEW.id);"
    " END;"
    "CREATE TRIGGER settings_ins AFTER INSERT ON settings BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('all', 0);"
    " END;"
    "CREATE TRIGGER settings_upd AFTER UPDATE ON settings BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('all', 0);"
    " END;"
    "CREATE TRIGGER sections_upd AFTER UPDATE ON sections BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('all', 0);"
    " END;"
    "CREATE TRIGGER sections_ins AFTER INSERT ON sections BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('all', 0);"
    " END;"
    "CREATE TRIGGER tags_upd AFTER UPDATE ON tags BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('lists', 0);"
    " END;"
    "CREATE TRIGGER media_upd AFTER UPDATE ON media BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('lists', 0);"
    " END;";

/* Comment threads are walked from parent to replies. */
static const char migration_6[] =
    "CREATE INDEX comments_parent ON comments(parent_id);"
    "CREATE INDEX comments_threads ON comments(article_id, parent_id, status, created_at);";

/* The change log's numbers never go back (AUTOINCREMENT), even when old
** rows are pruned; an edit of updated_at alone touches no listing. */
static const char migration_7[] =
    "DROP TABLE changes;"
    "CREATE TABLE changes("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  kind TEXT NOT NULL,"
    "  id INTEGER NOT NULL DEFAULT 0"
    ");"
    "DROP TRIGGER articles_upd;"
    "CREATE TRIGGER articles_upd AFTER UPDATE ON articles BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('article', NEW.id);"
    "  INSERT INTO changes(kind, id) SELECT 'lists', 0 WHERE"
    "    OLD.headline IS NOT NEW.headline OR OLD.dek IS NOT NEW.dek"
    "    OR OLD.status IS NOT NEW.status OR OLD.slug IS NOT NEW.slug"
    "    OR OLD.published_at IS NOT NEW.published_at OR OLD.section_id IS NOT NEW.section_id"
    "    OR OLD.author_id IS NOT NEW.author_id"
    "    OR OLD.featured_media_id IS NOT NEW.featured_media_id"
    "    OR OLD.featured_alt IS NOT NEW.featured_alt;"
    " END;";

/* The spam filter: word counts learnt from moderators' decisions, and on
** each comment the score and the reasons that decided it; the network a
** comment came from (/24 or /64), for floods from many addresses. */
static const char migration_8[] =
    "CREATE TABLE spam_tokens("
    "  token TEXT PRIMARY KEY,"
    "  spam INTEGER NOT NULL DEFAULT 0,"
    "  ham INTEGER NOT NULL DEFAULT 0"
    ") WITHOUT ROWID;"
    "CREATE TABLE spam_totals("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  spam INTEGER NOT NULL DEFAULT 0,"
    "  ham INTEGER NOT NULL DEFAULT 0"
    ");"
    "ALTER TABLE comments ADD COLUMN spam_score REAL;"
    "ALTER TABLE comments ADD COLUMN spam_reason TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE comments ADD COLUMN ip_net TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX comments_ip_net ON comments(ip_net, created_at);";

/* Search ranks hundreds of matches by status and date, tag listings sort
** a tag's articles by date, feeds ask a scope's newest change, related
** stories score a hundred candidates by status and section: an index
** holding just those, by id, so none of them reads an article's row (its
** body fills a page). */
static const char migration_9[] =
    "CREATE INDEX articles_rank ON articles(id, status, published_at, updated_at, section_id);";

/* The duplicate-comment check asks "this body, on this article": a hash
** of each body (byline_hash(), registered by the database layer), indexed
** with the article, so the check reads the few rows with that hash instead
** of every comment a busy commenter left on a busy article.  Existing rows
** are hashed here; the update trigger is set aside meanwhile so that the
** change log is not filled with one row per comment. */
static const char migration_10[] =
    "ALTER TABLE comments ADD COLUMN body_hash INTEGER;"
    "DROP TRIGGER comments_upd;"
    "UPDATE comments SET body_hash = byline_hash(body);"
    "CREATE TRIGGER comments_upd AFTER UPDATE ON comments BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('comments', NEW.article_id); END;"
    "CREATE INDEX comments_body ON comments(article_id, body_hash);";

/* Who may write raw HTML: a body's trust follows the role of whoever last
** changed it (body_role; article_body_role()), and the stored HTML records
** the renderer's version that made it (body_html_version; a body of
** another version is rendered again at start, article_render_stale()).
** Existing bodies get the role of the user of the first revision since
** the body last changed (a revision with no user counts as a
** contributor's), or an administrator's if the article has no revision
** (made by the command line); their version 0 has them all rendered again
** at the next start, under the new rules.  The change log's update trigger
** is set aside meanwhile, as in migration 10.  A change of a user's role
** now counts as a change of their author pages (their bio). */
static const char migration_11[] =
    "ALTER TABLE articles ADD COLUMN body_role TEXT NOT NULL DEFAULT 'contributor'"
    "  CHECK (body_role IN ('administrator','editor','author','contributor'));"
    "ALTER TABLE articles ADD COLUMN body_html_version INTEGER NOT NULL DEFAULT 0;"
    "DROP TRIGGER articles_upd;"
    "UPDATE articles SET body_role = CASE"
    "  WHEN NOT EXISTS (SELECT 1 FROM revisions r WHERE r.article_id = articles.id)"
    "    THEN 'administrator'"
    "  ELSE COALESCE((SELECT u.role FROM revisions r LEFT JOIN users u ON u.id = r.user_id"
    "    WHERE r.article_id = articles.id AND r.id > COALESCE((SELECT max(x.id) FROM revisions x"
    "      WHERE x.article_id = articles.id AND x.body_src IS NOT articles.body_src), 0)"
    "    ORDER BY r.id LIMIT 1), 'contributor') END;"
    "CREATE TRIGGER articles_upd AFTER UPDATE ON articles BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('article', NEW.id);"
    "  INSERT INTO changes(kind, id) SELECT 'lists', 0 WHERE"
    "    OLD.headline IS NOT NEW.headline OR OLD.dek IS NOT NEW.dek"
    "    OR OLD.status IS NOT NEW.status OR OLD.slug IS NOT NEW.slug"
    "    OR OLD.published_at IS NOT NEW.published_at OR OLD.section_id IS NOT NEW.section_id"
    "    OR OLD.author_id IS NOT NEW.author_id"
    "    OR OLD.featured_media_id IS NOT NEW.featured_media_id"
    "    OR OLD.featured_alt IS NOT NEW.featured_alt;"
    " END;"
    "CREATE INDEX articles_html_version ON articles(body_html_version);"
    /* A bio is rendered as its author's role may: a change of role changes
    ** the author's pages. */
    "DROP TRIGGER users_upd;"
    "CREATE TRIGGER users_upd AFTER UPDATE OF display_name, slug, bio, avatar_path, links, role"
    "  ON users BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('author', NEW.id);"
    " END;";

/* Comments' stored HTML records the renderer's version too: a comment made
** by another MARKDOWN_VERSION is rendered again at start
** (comment_render_stale()), as article bodies are.  Version 0 has every
** existing comment rendered once under the current rules. */
static const char migration_12[] =
    "ALTER TABLE comments ADD COLUMN body_html_version INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX comments_html_version ON comments(body_html_version);";

/* What a WordPress site holds that Byline had no place for (issue 12).
** Articles: is_sticky (pinned to the front page) and is_private (staff
** only).  A private article is stored with status 'draft' and is_private
** 1, so that every public query, which asks for status 'published', leaves
** it out by construction; the model reports its status as 'private'
** (article.c).  (Widening the status CHECK would mean rebuilding articles,
** whose rows comments, tags, revisions and old slugs reference.)
** Static pages (page.h): a tree of slugs, unique among siblings, bodies
** rendered as articles' are.  Redirects (redirect.h): old addresses, keyed
** on the exact path and query.  A change to either changes what any public
** path may answer: 'all' in the change log. */
static const char migration_13[] =
    "ALTER TABLE articles ADD COLUMN is_sticky INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE articles ADD COLUMN is_private INTEGER NOT NULL DEFAULT 0"
    "  CHECK (is_private = 0 OR status = 'draft');"
    "CREATE TABLE pages("
    "  id INTEGER PRIMARY KEY,"
    "  parent_id INTEGER REFERENCES pages(id) ON DELETE SET NULL,"
    "  slug TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  body_src TEXT NOT NULL DEFAULT '',"
    "  body_html TEXT NOT NULL DEFAULT '',"
    "  body_role TEXT NOT NULL DEFAULT 'contributor'"
    "    CHECK (body_role IN ('administrator','editor','author','contributor')),"
    "  body_html_version INTEGER NOT NULL DEFAULT 0,"
    "  status TEXT NOT NULL DEFAULT 'draft'"
    "    CHECK (status IN ('draft','published','private')),"
    "  author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  comments_open INTEGER NOT NULL DEFAULT 0,"
    "  menu_order INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE UNIQUE INDEX pages_path ON pages(COALESCE(parent_id, 0), slug);"
    "CREATE INDEX pages_parent ON pages(parent_id);"
    "CREATE INDEX pages_html_version ON pages(body_html_version);"
    "CREATE TABLE page_revisions("
    "  id INTEGER PRIMARY KEY,"
    "  page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,"
    "  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  created_at INTEGER NOT NULL,"
    "  title TEXT NOT NULL,"
    "  slug TEXT NOT NULL,"
    "  parent_id INTEGER,"
    "  body_src TEXT NOT NULL,"
    "  status TEXT NOT NULL"
    ");"
    "CREATE INDEX page_revisions_page ON page_revisions(page_id, id);"
    "CREATE TABLE redirects("
    "  from_path TEXT PRIMARY KEY,"
    "  to_path TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TRIGGER pages_ins AFTER INSERT ON pages BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('all', 0); END;"
    "CREATE TRIGGER pages_upd AFTER UPDATE ON pages BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('all', 0); END;"
    "CREATE TRIGGER pages_del AFTER DELETE ON pages BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('all', 0); END;"
    "CREATE TRIGGER redirects_ins AFTER INSERT ON redirects BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('all', 0); END;"
    "CREATE TRIGGER redirects_upd AFTER UPDATE ON redirects BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('all', 0); END;"
    "CREATE TRIGGER redirects_del AFTER DELETE ON redirects BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('all', 0); END;";

/* WordPress imports (wxr_import.c): what each WordPress thing became, so
** that importing the same export again changes nothing and a later export
** adds or updates only what changed.  kind is author, category, post_tag,
** post, page, attachment or comment; wp_key the WordPress id as text (an
** author's login; a term's taxonomy/slug); byline_id the row it became
** (users, sections, tags, articles, pages, media, comments); hash a digest
** of the WordPress fields it was made from; url an attachment's address
** here (its media URL, or its old address when no file was imported). */
static const char migration_14[] =
    "CREATE TABLE wp_import_map("
    "  kind TEXT NOT NULL,"
    "  wp_key TEXT NOT NULL,"
    "  byline_id INTEGER NOT NULL,"
    "  guid TEXT NOT NULL DEFAULT '',"
    "  hash INTEGER NOT NULL DEFAULT 0,"
    "  url TEXT NOT NULL DEFAULT '',"
    "  alt TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY (kind, wp_key)"
    ") WITHOUT ROWID;";

/* What a newsroom knows about a photo (the media library, issue 13): the
** file name it was uploaded under, a title, the caption and credit printed
** under it ("Photo: Name/Agency"), its copyright line, and the alt text
** offered when it is chosen (an article's featured_alt still wins).  Caption,
** credit and copyright are prefilled from a wire photo's IPTC/XMP fields when
** it has them, before its metadata is stripped. */
static const char migration_15[] =
    "ALTER TABLE media ADD COLUMN original_name TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE media ADD COLUMN title TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE media ADD COLUMN caption TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE media ADD COLUMN credit TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE media ADD COLUMN copyright TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE media ADD COLUMN alt TEXT NOT NULL DEFAULT '';";

/* Corrections, updates and several authors (issue 14).
** article_notes: the dated notes an editor appends to a published article
** ("Correction, December 7, 2026: An earlier version of this article
** misstated …"), kind 'correction' or 'update', Markdown rendered at
** display with limited trust; /corrections/ lists the corrections.
** articles.modified_at: the time of the article's last material change
** (0: none since publication): a note, or a change of headline, standfirst
** or body while published (a trigger keeps it, so every way of saving
** counts).  article_authors: an article's bylines in order; position 0 is
** always articles.author_id, the owner for permissions (triggers keep it
** so, so imports and older code that write only author_id stay right),
** backfilled from author_id.  Each writes to the change log. */
static const char migration_22[] =
    "ALTER TABLE articles ADD COLUMN modified_at INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE article_notes("
    "  id INTEGER PRIMARY KEY,"
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('correction','update')),"
    "  body_src TEXT NOT NULL,"
    "  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX article_notes_article ON article_notes(article_id, created_at);"
    "CREATE INDEX article_notes_kind ON article_notes(kind, created_at);"
    "CREATE TRIGGER article_notes_ins AFTER INSERT ON article_notes BEGIN"
    "  UPDATE articles SET modified_at = NEW.created_at WHERE id = NEW.article_id;"
    "  INSERT INTO changes(kind, id) VALUES ('article', NEW.article_id), ('lists', 0); END;"
    "CREATE TRIGGER article_notes_upd AFTER UPDATE ON article_notes BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('article', NEW.article_id), ('lists', 0); END;"
    "CREATE TRIGGER article_notes_del AFTER DELETE ON article_notes BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('article', OLD.article_id), ('lists', 0); END;"
    "CREATE TRIGGER articles_material AFTER UPDATE OF headline, dek, body_src ON articles"
    "  WHEN OLD.status = 'published' AND NEW.status = 'published'"
    "  AND (OLD.headline IS NOT NEW.headline OR OLD.dek IS NOT NEW.dek"
    "       OR OLD.body_src IS NOT NEW.body_src) BEGIN"
    "  UPDATE articles SET modified_at = max(NEW.updated_at, OLD.modified_at)"
    "    WHERE id = NEW.id; END;"
    "CREATE TABLE article_authors("
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  PRIMARY KEY (article_id, user_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX article_authors_user ON article_authors(user_id, article_id);"
    "INSERT INTO article_authors(article_id, user_id, position)"
    "  SELECT id, author_id, 0 FROM articles WHERE author_id IS NOT NULL;"
    "CREATE TRIGGER articles_owner_ins AFTER INSERT ON articles BEGIN"
    "  INSERT OR REPLACE INTO article_authors(article_id, user_id, position)"
    "    VALUES (NEW.id, NEW.author_id, 0); END;"
    "CREATE TRIGGER articles_owner_upd AFTER UPDATE OF author_id ON articles"
    "  WHEN OLD.author_id IS NOT NEW.author_id BEGIN"
    "  DELETE FROM article_authors WHERE article_id = NEW.id"
    "    AND (position = 0 OR user_id = NEW.author_id);"
    "  INSERT INTO article_authors(article_id, user_id, position)"
    "    VALUES (NEW.id, NEW.author_id, 0); END;"
    "CREATE TRIGGER article_authors_ins AFTER INSERT ON article_authors BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('article', NEW.article_id), ('lists', 0); END;"
    "CREATE TRIGGER article_authors_del AFTER DELETE ON article_authors BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('article', OLD.article_id), ('lists', 0); END;";
/* Running the site from the desk (issue 15).  Trash: a trashed article is
** stored as a draft with trashed_at set (and the status it had, to restore
** it), so that every public query, which asks for 'published', leaves it
** out by construction, as a private article is (migration 13); the model
** reports its status as 'trash' (article.c).  Sections get a position (the
** navigation's order when no menu is set).  Menus: the header's and the
** footer's items in order, each a section, a page or a link, at depth 0 or
** 1 (nested under the item before it).  A change to a menu, or a section or
** tag deleted, changes what public pages show. */
static const char migration_23[] =
    "ALTER TABLE articles ADD COLUMN trashed_at INTEGER"
    "  CHECK (trashed_at IS NULL OR status = 'draft');"
    "ALTER TABLE articles ADD COLUMN trashed_status TEXT NOT NULL DEFAULT ''"
    "  CHECK (trashed_status IN ('','draft','pending','scheduled','published','private'));"
    "CREATE INDEX articles_trashed ON articles(trashed_at);"
    "ALTER TABLE sections ADD COLUMN position INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE menu_items("
    "  id INTEGER PRIMARY KEY,"
    "  menu TEXT NOT NULL CHECK (menu IN ('header','footer')),"
    "  position INTEGER NOT NULL,"
    "  depth INTEGER NOT NULL DEFAULT 0 CHECK (depth IN (0, 1)),"
    "  kind TEXT NOT NULL CHECK (kind IN ('section','page','link')),"
    "  ref_id INTEGER,"
    "  label TEXT NOT NULL DEFAULT '',"
    "  url TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX menu_items_menu ON menu_items(menu, position);"
    "CREATE TRIGGER menu_items_ins AFTER INSERT ON menu_items BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('all', 0); END;"
    "CREATE TRIGGER menu_items_upd AFTER UPDATE ON menu_items BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('all', 0); END;"
    "CREATE TRIGGER menu_items_del AFTER DELETE ON menu_items BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('all', 0); END;"
    "CREATE TRIGGER sections_del AFTER DELETE ON sections BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('all', 0); END;"
    "CREATE TRIGGER tags_del AFTER DELETE ON tags BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('lists', 0); END;";
/* Pages in the trash (issue 15), as articles are (migration 23): a trashed
** page is stored as a draft with trashed_at set and the status it had, so
** every public query, which asks for 'published', leaves it out by
** construction; page_fallback() answers 410 at its path.  Its triggers
** (migration 13) already log 'all'. */
static const char migration_27[] =
    "ALTER TABLE pages ADD COLUMN trashed_at INTEGER"
    "  CHECK (trashed_at IS NULL OR status = 'draft');"
    "ALTER TABLE pages ADD COLUMN trashed_status TEXT NOT NULL DEFAULT ''"
    "  CHECK (trashed_status IN ('','draft','published','private'));"
    "CREATE INDEX pages_trashed ON pages(trashed_at);";
/* WordPress imports keyed by the site they came from (issue 12): two sites
** imported into one database both keep their mapping, though their ids
** collide.  site is the export's wp:base_site_url normalised (wxr_import.c:
** no scheme, lower case, no "www.", no trailing slash).  Rows made before
** this are given site '': the one site imported until then, whose address
** was not recorded; the next import claims them (wxr_import.h).
** The change log held during an import's batches: while changes_held has
** its row (only ever inside the importer's own write transaction, so no
** other connection sees it), a row written to changes is dropped, and the
** batch writes one 'all' instead (changes.h: changes_hold). */
static const char migration_16[] =
    "CREATE TABLE wp_import_map_16("
    "  site TEXT NOT NULL DEFAULT '',"
    "  kind TEXT NOT NULL,"
    "  wp_key TEXT NOT NULL,"
    "  byline_id INTEGER NOT NULL,"
    "  guid TEXT NOT NULL DEFAULT '',"
    "  hash INTEGER NOT NULL DEFAULT 0,"
    "  url TEXT NOT NULL DEFAULT '',"
    "  alt TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY (site, kind, wp_key)"
    ") WITHOUT ROWID;"
    "INSERT INTO wp_import_map_16(site, kind, wp_key, byline_id, guid, hash, url, alt)"
    "  SELECT '', kind, wp_key, byline_id, guid, hash, url, alt FROM wp_import_map;"
    "DROP TABLE wp_import_map;"
    "ALTER TABLE wp_import_map_16 RENAME TO wp_import_map;"
    "CREATE TABLE changes_held(id INTEGER PRIMARY KEY CHECK (id = 1));"
    "CREATE TRIGGER changes_hold BEFORE INSERT ON changes"
    "  WHEN EXISTS (SELECT 1 FROM changes_held) BEGIN SELECT RAISE(IGNORE); END;";
/* Autosaves (issue 14): what the editor sends while someone types, kept
** apart from revisions as WordPress keeps its autosave: one row per article
** and writer (article_id NULL for an article not saved yet, one per writer),
** replaced at each autosave, deleted when the writer saves the article or
** dismisses it.  Opening the editor offers to restore a row newer than the
** article.  Never read by a public page. */
static const char migration_20[] =
    "CREATE TABLE autosaves("
    "  id INTEGER PRIMARY KEY,"
    "  article_id INTEGER REFERENCES articles(id) ON DELETE CASCADE,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  headline TEXT NOT NULL DEFAULT '',"
    "  dek TEXT NOT NULL DEFAULT '',"
    "  body_src TEXT NOT NULL DEFAULT '',"
    "  tags TEXT NOT NULL DEFAULT '',"
    "  saved_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX autosaves_user ON autosaves(user_id, article_id);";
/* The smaller copies of each image pages offer in srcset, and its social
** image (issue 13).  A variant is named from its image's hash:
** /media/HASH-640.jpg, /media/HASH-640.webp, /media/HASH-social.jpg, so its
** bytes never change either.  media.variants_at says when they were made
** (0: not yet; the variant worker picks those up); setting it touches the
** change log through media_upd, so cached pages take the new srcset. */
static const char migration_17[] =
    "ALTER TABLE media ADD COLUMN variants_at INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX media_variants_todo ON media(variants_at);"
    "CREATE TABLE media_variants("
    "  media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,"
    "  suffix TEXT NOT NULL,"       /* "640" (its width) or "social" */
    "  ext TEXT NOT NULL,"          /* "jpg", "png", "gif", "webp" */
    "  width INTEGER NOT NULL,"
    "  height INTEGER NOT NULL,"
    "  bytes INTEGER NOT NULL,"
    "  PRIMARY KEY (media_id, suffix, ext)"
    ") WITHOUT ROWID;";
/* The front page as editors choose it (issue 13): a lead story and top
** stories in their order, each pinned until a time or (0) until taken
** off.  An article is on the front page at most once.  A pin past its time
** is ignored by every read and deleted by the scheduler (front_expire()),
** whose delete writes the change log like any other; so does every write
** here, and a change of an article's sticky flag (WordPress's sticky posts
** are pinned top stories).  site_icons holds the icons made from the
** site_icon setting's upload: PNGs by size in pixels, and size 0 the
** favicon.ico. */
static const char migration_19[] =
    "CREATE TABLE front_picks("
    "  article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
    "  slot TEXT NOT NULL CHECK (slot IN ('lead', 'top')),"
    "  position INTEGER NOT NULL DEFAULT 0,"
    "  pinned_until INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE TRIGGER front_picks_ins AFTER INSERT ON front_picks BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('lists', 0); END;"
    "CREATE TRIGGER front_picks_upd AFTER UPDATE ON front_picks BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('lists', 0); END;"
    "CREATE TRIGGER front_picks_del AFTER DELETE ON front_picks BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('lists', 0); END;"
    "CREATE TABLE site_icons("
    "  size INTEGER PRIMARY KEY,"
    "  type TEXT NOT NULL,"
    "  data BLOB NOT NULL"
    ");"
    "CREATE INDEX articles_sticky_pub ON articles(published_at) WHERE is_sticky = 1;"
    "CREATE TRIGGER articles_sticky AFTER UPDATE OF is_sticky ON articles"
    "  WHEN OLD.is_sticky IS NOT NEW.is_sticky BEGIN"
    "  INSERT INTO changes(kind, id) VALUES ('lists', 0); END;";

/* The media library asks which articles use an image as their featured
** image, for every image it shows (model/media.c, media_uses()). */
static const char migration_18[] =
    "CREATE INDEX articles_featured ON articles(featured_media_id);";

/* The copy desk (issue 14): the findings of each article's last check (the
** desk's list marks articles that have some), and the words editors added
** to the site's dictionary from a finding, lowercased. */
static const char migration_21[] =
    "CREATE TABLE article_findings("
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  field TEXT NOT NULL,"       /* headline, dek, body, featured */
    "  pos INTEGER NOT NULL,"      /* byte offset in the field */
    "  len INTEGER NOT NULL,"      /* bytes */
    "  kind TEXT NOT NULL,"
    "  words TEXT NOT NULL,"
    "  message TEXT NOT NULL,"
    "  checked_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX article_findings_article ON article_findings(article_id);"
    "CREATE TABLE site_words("
    "  word TEXT PRIMARY KEY,"
    "  added_by INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  added_at INTEGER NOT NULL"
    ") WITHOUT ROWID;";

/* Accounts (issue 15): an administrator may suspend an account (it cannot
** sign in, its sessions and password links end: users.suspended_at, NULL
** for an active one); a sign-in's forgotten-password requests are rows of
** reset_requests, the rate limit's record and the queue the scheduler works
** (model/pwreset.c): done_at NULL until worked. */
static const char migration_25[] =
    "ALTER TABLE users ADD COLUMN suspended_at INTEGER;"
    "CREATE TABLE reset_requests("
    "  id INTEGER PRIMARY KEY,"
    "  email TEXT NOT NULL,"       /* as typed, lowercased */
    "  ip TEXT NOT NULL,"          /* the client's key (netaddr_client) */
    "  at INTEGER NOT NULL,"
    "  done_at INTEGER"
    ");"
    "CREATE INDEX reset_requests_email ON reset_requests(email, at);"
    "CREATE INDEX reset_requests_ip ON reset_requests(ip, at);"
    "CREATE INDEX reset_requests_todo ON reset_requests(done_at);";
/* Images stored before uploads were normalized (issue 13) still carry what
** the camera wrote (GPS position, serial number).  normalized says whether
** a row's file went through image_normalize(): 0 not yet (every row before
** this migration, and any row a writer inserts without saying), 1 done (new
** uploads say so), -1 it could not be read as an image (never served; the
** log and `byline media normalize` name it).  The media worker normalizes
** the 0s once (model/media.c, media_normalize()). */
static const char migration_30[] =
    "ALTER TABLE media ADD COLUMN normalized INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX media_normalize_todo ON media(normalized);";
/* Application passwords (issue 16, WordPress 5.6's scheme): a user's named
** credentials for programs using the REST API, stored as a hash
** (model/apppass.h), with when and from where each was last used. */
static const char migration_28[] =
    "CREATE TABLE app_passwords("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  hash TEXT NOT NULL UNIQUE,"  /* hex BLAKE2b-256 of the password */
    "  created_at INTEGER NOT NULL,"
    "  last_used_at INTEGER NOT NULL DEFAULT 0,"
    "  last_ip TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX app_passwords_user ON app_passwords(user_id);";
/* Webhooks (issue 16): the URLs administrators registered, each with the
** events it wants (a comma-separated list of webhook.h's names) and the
** secret its deliveries are signed with; and the durable queue of
** deliveries.  A delivery row is written by the triggers below, inside the
** transaction of the change that causes them (a change rolled back sends
** nothing; a change committed cannot lose its delivery), with what the
** payload says of the object as it was then and a random event id that
** receivers use to drop a repeat (delivery is at least once); the sender
** writes the JSON from these columns, the same bytes at every attempt.
** claimed_at marks a delivery being sent; a claim a crash left behind is
** released when the sender starts (webhook_release_claims()).  The
** triggers use no JSON function: the schema is not trusted
** (trusted_schema=OFF) and SQLite 3.40 counts those unsafe there.  They
** fire only when a webhook exists, and never inside a bulk write that holds
** the change log (changes_held, migration 16: the WordPress import, whose
** million comments would otherwise each pass through webhook_events); the
** Webmention sender's triggers skip those bulk writes too. */
static const char migration_29[] =
    "CREATE TABLE webhooks("
    "  id INTEGER PRIMARY KEY,"
    "  url TEXT NOT NULL,"
    "  events TEXT NOT NULL,"
    "  secret TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL"
    ");"
    "CREATE TABLE webhook_deliveries("
    "  id INTEGER PRIMARY KEY,"
    "  hook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,"
    "  event TEXT NOT NULL,"
    "  event_id TEXT NOT NULL,"
    "  object_type TEXT NOT NULL,"      /* article, comment, page */
    "  object_id INTEGER NOT NULL,"
    "  object_parent INTEGER,"          /* a comment's article */
    "  object_slug TEXT NOT NULL DEFAULT '',"
    "  object_title TEXT NOT NULL DEFAULT '',"  /* headline, title, commenter's name */
    "  object_status TEXT NOT NULL DEFAULT '',"
    "  object_time INTEGER,"            /* published_at, or a comment's created_at */
    "  created_at INTEGER NOT NULL,"
    "  next_at INTEGER NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  claimed_at INTEGER,"
    "  delivered_at INTEGER,"
    "  gave_up_at INTEGER,"
    "  status_code INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT NOT NULL DEFAULT '',"
    "  last_at INTEGER"
    ");"
    "CREATE INDEX webhook_deliveries_due ON webhook_deliveries(delivered_at, gave_up_at, next_at);"
    "CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(hook_id, id);"
    /* Every attempt's outcome, for the desk's log (a failure's status code
    ** stays readable after a later attempt succeeds). */
    "CREATE TABLE webhook_attempts("
    "  id INTEGER PRIMARY KEY,"
    "  delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,"
    "  at INTEGER NOT NULL,"
    "  status_code INTEGER NOT NULL,"
    "  error TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id);"
    /* Scratch: a row written here becomes one queue row per hook that
    ** wants the event, and is deleted by the same trigger. */
    "CREATE TABLE webhook_events(name TEXT NOT NULL, type TEXT NOT NULL, id INTEGER NOT NULL,"
    "  parent INTEGER, slug TEXT, title TEXT, status TEXT, at INTEGER);"
    "CREATE TRIGGER webhook_events_ins AFTER INSERT ON webhook_events BEGIN"
    "  INSERT INTO webhook_deliveries(hook_id, event, event_id, object_type, object_id,"
    "    object_parent, object_slug, object_title, object_status, object_time, created_at,"
    "    next_at)"
    "  SELECT w.id, NEW.name, lower(hex(randomblob(16))), NEW.type, NEW.id, NEW.parent,"
    "    COALESCE(NEW.slug, ''), COALESCE(NEW.title, ''), COALESCE(NEW.status, ''), NEW.at,"
    "    CAST(strftime('%s','now') AS INTEGER), CAST(strftime('%s','now') AS INTEGER)"
    "  FROM webhooks w WHERE instr(',' || w.events || ',', ',' || NEW.name || ',') > 0;"
    "  DELETE FROM webhook_events WHERE rowid = NEW.rowid; END;"
    "CREATE TRIGGER webhook_article_ins AFTER INSERT ON articles"
    "  WHEN EXISTS (SELECT 1 FROM webhooks) AND NOT EXISTS (SELECT 1 FROM changes_held)"
    "  AND (NEW.status = 'published') BEGIN"
    "  INSERT INTO webhook_events VALUES ('article.published', 'article', NEW.id, NULL,"
    "    NEW.slug, NEW.headline, NEW.status, NEW.published_at); END;"
    "CREATE TRIGGER webhook_article_upd AFTER UPDATE ON articles"
    "  WHEN EXISTS (SELECT 1 FROM webhooks) AND NOT EXISTS (SELECT 1 FROM changes_held)"
    "  AND (NEW.status = 'published' OR OLD.status = 'published') BEGIN"
    "  INSERT INTO webhook_events SELECT"
    "    CASE WHEN OLD.status <> 'published' THEN 'article.published'"
    "         WHEN NEW.status <> 'published' THEN 'article.unpublished'"
    "         ELSE 'article.updated' END, 'article', NEW.id, NULL,"
    "    NEW.slug, NEW.headline, NEW.status, NEW.published_at"
    "  WHERE OLD.status <> NEW.status OR OLD.headline IS NOT NEW.headline"
    "    OR OLD.dek IS NOT NEW.dek OR OLD.body_src IS NOT NEW.body_src"
    "    OR OLD.slug IS NOT NEW.slug OR OLD.section_id IS NOT NEW.section_id; END;"
    "CREATE TRIGGER webhook_article_del AFTER DELETE ON articles"
    "  WHEN EXISTS (SELECT 1 FROM webhooks) AND NOT EXISTS (SELECT 1 FROM changes_held)"
    "  AND (OLD.status = 'published') BEGIN"
    "  INSERT INTO webhook_events VALUES ('article.unpublished', 'article', OLD.id, NULL,"
    "    OLD.slug, OLD.headline, 'deleted', OLD.published_at); END;"
    "CREATE TRIGGER webhook_comment_ins AFTER INSERT ON comments"
    "  WHEN EXISTS (SELECT 1 FROM webhooks) AND NOT EXISTS (SELECT 1 FROM changes_held)"
    "  AND (NEW.status = 'approved') BEGIN"
    "  INSERT INTO webhook_events VALUES ('comment.approved', 'comment', NEW.id,"
    "    NEW.article_id, '', NEW.author_name, NEW.status, NEW.created_at); END;"
    "CREATE TRIGGER webhook_comment_upd AFTER UPDATE OF status ON comments"
    "  WHEN EXISTS (SELECT 1 FROM webhooks) AND NOT EXISTS (SELECT 1 FROM changes_held)"
    "  AND (NEW.status = 'approved' AND OLD.status <> 'approved') BEGIN"
    "  INSERT INTO webhook_events VALUES ('comment.approved', 'comment', NEW.id,"
    "    NEW.article_id, '', NEW.author_name, NEW.status, NEW.created_at); END;"
    "CREATE TRIGGER webhook_page_ins AFTER INSERT ON pages"
    "  WHEN EXISTS (SELECT 1 FROM webhooks) AND NOT EXISTS (SELECT 1 FROM changes_held)"
    "  AND (NEW.status = 'published') BEGIN"
    "  INSERT INTO webhook_events VALUES ('page.changed', 'page', NEW.id, NULL,"
    "    NEW.slug, NEW.title, NEW.status, NULL); END;"
    "CREATE TRIGGER webhook_page_upd AFTER UPDATE ON pages"
    "  WHEN EXISTS (SELECT 1 FROM webhooks) AND NOT EXISTS (SELECT 1 FROM changes_held)"
    "  AND ((NEW.status = 'published' OR OLD.status = 'published') AND"
    "    (OLD.status <> NEW.status OR OLD.title IS NOT NEW.title OR OLD.slug IS NOT NEW.slug"
    "     OR OLD.body_src IS NOT NEW.body_src OR OLD.parent_id IS NOT NEW.parent_id)) BEGIN"
    "  INSERT INTO webhook_events VALUES ('page.changed', 'page', NEW.id, NULL,"
    "    NEW.slug, NEW.title, NEW.status, NULL); END;"
    /* Embeds (issue 16): the oEmbed answer for a URL alone on a line of a
    ** body, fetched once at save (web/embed.c) and kept sanitised: the
    ** iframe's address and size, the title and provider shown in the
    ** still, or why the link stays a link (error). */
    "CREATE TABLE embeds("
    "  url TEXT PRIMARY KEY,"
    "  provider TEXT NOT NULL DEFAULT '',"
    "  title TEXT NOT NULL DEFAULT '',"
    "  frame_src TEXT NOT NULL DEFAULT '',"
    "  width INTEGER NOT NULL DEFAULT 0,"
    "  height INTEGER NOT NULL DEFAULT 0,"
    "  thumbnail_media_id INTEGER REFERENCES media(id) ON DELETE SET NULL,"
    "  error TEXT NOT NULL DEFAULT '',"
    "  fetched_at INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    /* Webmention (issue 16).  A mention received is queued (webmentions_in)
    ** and verified later by the outbound thread (web/webmention.c); once
    ** verified it becomes a comment of kind 'webmention' in the moderation
    ** inbox.  An article published queues its mentions to send
    ** (webmentions_out), in the transaction that publishes it, when it is
    ** news: published within the last day (an import of old articles, or
    ** the demo site, sends nothing). */
    "ALTER TABLE comments ADD COLUMN kind TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE webmentions_in("
    "  id INTEGER PRIMARY KEY,"
    "  source TEXT NOT NULL,"
    "  target TEXT NOT NULL,"
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  ip TEXT NOT NULL DEFAULT '',"
    "  received_at INTEGER NOT NULL,"
    "  claimed_at INTEGER,"
    "  done_at INTEGER,"
    "  result TEXT NOT NULL DEFAULT '',"   /* accepted, refused, failed */
    "  reason TEXT NOT NULL DEFAULT '',"
    "  comment_id INTEGER REFERENCES comments(id) ON DELETE SET NULL"
    ");"
    "CREATE INDEX webmentions_in_due ON webmentions_in(done_at, id);"
    "CREATE TABLE webmentions_out("
    "  id INTEGER PRIMARY KEY,"
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  queued_at INTEGER NOT NULL,"
    "  claimed_at INTEGER,"
    "  done_at INTEGER,"
    "  report TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX webmentions_out_due ON webmentions_out(done_at, id);"
    "CREATE TRIGGER webmention_send_ins AFTER INSERT ON articles"
    "  WHEN NOT EXISTS (SELECT 1 FROM changes_held)"
    "  AND (NEW.status = 'published'"
    "    AND NEW.published_at >= CAST(strftime('%s','now') AS INTEGER) - 86400) BEGIN"
    "  INSERT INTO webmentions_out(article_id, queued_at)"
    "    VALUES (NEW.id, CAST(strftime('%s','now') AS INTEGER)); END;"
    "CREATE TRIGGER webmention_send_upd AFTER UPDATE OF status ON articles"
    "  WHEN NOT EXISTS (SELECT 1 FROM changes_held)"
    "  AND (NEW.status = 'published' AND OLD.status <> 'published'"
    "    AND NEW.published_at >= CAST(strftime('%s','now') AS INTEGER) - 86400) BEGIN"
    "  INSERT INTO webmentions_out(article_id, queued_at)"
    "    VALUES (NEW.id, CAST(strftime('%s','now') AS INTEGER)); END;"
    "CREATE TRIGGER webhook_page_del AFTER DELETE ON pages"
    "  WHEN EXISTS (SELECT 1 FROM webhooks) AND NOT EXISTS (SELECT 1 FROM changes_held)"
    "  AND (OLD.status = 'published') BEGIN"
    "  INSERT INTO webhook_events VALUES ('page.changed', 'page', OLD.id, NULL,"
    "    OLD.slug, OLD.title, 'deleted', NULL); END;";

/* Comments on static pages (issue 15): a comment belongs to an article or
** to a page, exactly one (the CHECK).  SQLite cannot loosen article_id's
** NOT NULL in place, so the table is rebuilt by its documented procedure
** (a new table, the rows copied with their ids, the old one dropped, the
** new one renamed), and every index and trigger on comments is made again
** as migrations 1 to 29 left it, the change log's now logging a page's
** comments as 'lists' (a page is cached as a listing, page_pages.c).
** Foreign keys stay on inside a migration's transaction, so the drop's
** implicit delete would set webmentions_in.comment_id to NULL: those links
** are kept aside and put back.  The new table names itself in parent_id,
** so the drop of the old one cascades into nothing.  Autosaves may be a
** page's too (is_page 1, page_id NULL for a page not saved yet). */
static const char migration_31[] =
    "CREATE TEMP TABLE mig31_mentions AS"
    "  SELECT id, comment_id FROM webmentions_in WHERE comment_id IS NOT NULL;"
    "CREATE TABLE comments_new("
    "  id INTEGER PRIMARY KEY,"
    "  article_id INTEGER REFERENCES articles(id) ON DELETE CASCADE,"
    "  page_id INTEGER REFERENCES pages(id) ON DELETE CASCADE,"
    "  parent_id INTEGER REFERENCES comments_new(id) ON DELETE CASCADE,"
    "  author_name TEXT NOT NULL,"
    "  author_email TEXT NOT NULL,"
    "  author_url TEXT NOT NULL DEFAULT '',"
    "  body TEXT NOT NULL,"
    "  body_html TEXT NOT NULL,"
    "  ip TEXT NOT NULL DEFAULT '',"
    "  user_agent TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL DEFAULT 'pending'"
    "    CHECK (status IN ('pending','approved','spam','trash')),"
    "  created_at INTEGER NOT NULL,"
    "  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  edited_at INTEGER,"
    "  spam_score REAL,"
    "  spam_reason TEXT NOT NULL DEFAULT '',"
    "  ip_net TEXT NOT NULL DEFAULT '',"
    "  body_hash INTEGER,"
    "  body_html_version INTEGER NOT NULL DEFAULT 0,"
    "  kind TEXT NOT NULL DEFAULT '',"
    "  CHECK ((article_id IS NULL) <> (page_id IS NULL))"
    ");"
    "INSERT INTO comments_new(id, article_id, page_id, parent_id, author_name, author_email,"
    "  author_url, body, body_html, ip, user_agent, status, created_at, user_id, edited_at,"
    "  spam_score, spam_reason, ip_net, body_hash, body_html_version, kind)"
    "  SELECT id, article_id, NULL, parent_id, author_name, author_email, author_url, body,"
    "  body_html, ip, user_agent, status, created_at, user_id, edited_at, spam_score,"
    "  spam_reason, ip_net, body_hash, body_html_version, kind FROM comments ORDER BY id;"
    "DROP TABLE comments;"
    "ALTER TABLE comments_new RENAME TO comments;"
    "UPDATE webmentions_in SET comment_id ="
    "  (SELECT m.comment_id FROM mig31_mentions m WHERE m.id = webmentions_in.id)"
    "  WHERE id IN (SELECT id FROM mig31_mentions);"
    "DROP TABLE mig31_mentions;"
    "CREATE INDEX comments_article ON comments(article_id, status, created_at);"
    "CREATE INDEX comments_ip ON comments(ip, created_at);"
    "CREATE INDEX comments_author ON comments(author_email, author_name, status);"
    "CREATE INDEX comments_status ON comments(status, created_at);"
    "CREATE INDEX comments_parent ON comments(parent_id);"
    "CREATE INDEX comments_threads ON comments(article_id, parent_id, status, created_at);"
    "CREATE INDEX comments_ip_net ON comments(ip_net, created_at);"
    "CREATE INDEX comments_body ON comments(article_id, body_hash);"
    "CREATE INDEX comments_html_version ON comments(body_html_version);"
    /* A page's threads and duplicates, as comments_threads and
    ** comments_body are an article's; only page comments are in them. */
    "CREATE INDEX comments_page_threads ON comments(page_id, parent_id, status, created_at)"
    "  WHERE page_id IS NOT NULL;"
    "CREATE INDEX comments_page_body ON comments(page_id, body_hash) WHERE page_id IS NOT NULL;"
    "CREATE TRIGGER comments_ins AFTER INSERT ON comments WHEN NEW.status = 'approved' BEGIN"
    "  INSERT INTO changes(kind, id) VALUES"
    "    (CASE WHEN NEW.page_id IS NULL THEN 'comments' ELSE 'lists' END,"
    "     COALESCE(NEW.article_id, 0));"
    " END;"
    "CREATE TRIGGER comments_upd AFTER UPDATE ON comments BEGIN"
    "  INSERT INTO changes(kind, id) VALUES"
    "    (CASE WHEN NEW.page_id IS NULL THEN 'comments' ELSE 'lists' END,"
    "     COALESCE(NEW.article_id, 0));"
    " END;"
    "CREATE TRIGGER comments_del AFTER DELETE ON comments BEGIN"
    "  INSERT INTO changes(kind, id) VALUES"
    "    (CASE WHEN OLD.page_id IS NULL THEN 'comments' ELSE 'lists' END,"
    "     COALESCE(OLD.article_id, 0));"
    " END;"
    "CREATE TRIGGER webhook_comment_ins AFTER INSERT ON comments"
    "  WHEN EXISTS (SELECT 1 FROM webhooks) AND NOT EXISTS (SELECT 1 FROM changes_held)"
    "  AND (NEW.status = 'approved') BEGIN"
    "  INSERT INTO webhook_events VALUES ('comment.approved', 'comment', NEW.id,"
    "    NEW.article_id, '', NEW.author_name, NEW.status, NEW.created_at); END;"
    "CREATE TRIGGER webhook_comment_upd AFTER UPDATE OF status ON comments"
    "  WHEN EXISTS (SELECT 1 FROM webhooks) AND NOT EXISTS (SELECT 1 FROM changes_held)"
    "  AND (NEW.status = 'approved' AND OLD.status <> 'approved') BEGIN"
    "  INSERT INTO webhook_events VALUES ('comment.approved', 'comment', NEW.id,"
    "    NEW.article_id, '', NEW.author_name, NEW.status, NEW.created_at); END;"
    "ALTER TABLE autosaves ADD COLUMN is_page INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE autosaves ADD COLUMN page_id INTEGER REFERENCES pages(id) ON DELETE CASCADE;";

/* Webhooks paused, and what the verification of a received Webmention
** found (issue 16).  A paused hook (paused_at set) gets no delivery for
** the events that happen while it is paused: the trigger that fans an
** event out to the hooks skips it, so resuming replays nothing; what was
** queued before the pause waits (webhook_claim() skips a paused hook's
** deliveries).  A received mention's verdict (model/status.h, enum
** webmention_verdict): '' while it waits, then verified (the source links
** to the target), no_link, unreachable (no answer) or http_error (the
** source answered http_status, not 2xx); http_status is the source's
** answer, 0 when there was none.  Mentions checked before this version
** get theirs from the reason they were given. */
static const char migration_32[] =
    "ALTER TABLE webhooks ADD COLUMN paused_at INTEGER;"
    "DROP TRIGGER webhook_events_ins;"
    "CREATE TRIGGER webhook_events_ins AFTER INSERT ON webhook_events BEGIN"
    "  INSERT INTO webhook_deliveries(hook_id, event, event_id, object_type, object_id,"
    "    object_parent, object_slug, object_title, object_status, object_time, created_at,"
    "    next_at)"
    "  SELECT w.id, NEW.name, lower(hex(randomblob(16))), NEW.type, NEW.id, NEW.parent,"
    "    COALESCE(NEW.slug, ''), COALESCE(NEW.title, ''), COALESCE(NEW.status, ''), NEW.at,"
    "    CAST(strftime('%s','now') AS INTEGER), CAST(strftime('%s','now') AS INTEGER)"
    "  FROM webhooks w WHERE w.paused_at IS NULL"
    "    AND instr(',' || w.events || ',', ',' || NEW.name || ',') > 0;"
    "  DELETE FROM webhook_events WHERE rowid = NEW.rowid; END;"
    "ALTER TABLE webmentions_in ADD COLUMN verdict TEXT NOT NULL DEFAULT ''"
    "  CHECK (verdict IN ('', 'verified', 'no_link', 'unreachable', 'http_error'));"
    "ALTER TABLE webmentions_in ADD COLUMN http_status INTEGER NOT NULL DEFAULT 0;"
    "UPDATE webmentions_in SET"
    "  verdict = CASE WHEN reason LIKE 'the source could not be fetched%' THEN 'unreachable'"
    "    WHEN reason LIKE 'the source answered %' THEN 'http_error'"
    "    WHEN reason = 'the source does not link to the target' THEN 'no_link'"
    "    ELSE 'verified' END,"
    "  http_status = CASE WHEN reason LIKE 'the source answered %'"
    "    THEN CAST(substr(reason, 21) AS INTEGER) ELSE 0 END"
    "  WHERE done_at IS NOT NULL;";

/* Engine-neutral SQL (issue 17).  The copy desk's findings are read back
** in the order they were stored, which was SQLite's hidden rowid; an
** explicit id (the same numbers: an INTEGER PRIMARY KEY is the rowid) says
** so in SQL any engine reads.  gates: 64 rows a transaction that checks a
** limit and then writes updates first (model/gate.h: the row its key hashes
** to), so that a comment post, a sign-in attempt or a reset request checks
** its limits and writes one after another on an engine with concurrent
** writers, as SQLite's single writer made them. */
static const char migration_33[] =
    "CREATE TABLE article_findings_new("
    "  id INTEGER PRIMARY KEY,"
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  field TEXT NOT NULL,"
    "  pos INTEGER NOT NULL,"
    "  len INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  words TEXT NOT NULL,"
    "  message TEXT NOT NULL,"
    "  checked_at INTEGER NOT NULL"
    ");"
    "INSERT INTO article_findings_new(id, article_id, field, pos, len, kind, words, message,"
    "  checked_at) SELECT rowid, article_id, field, pos, len, kind, words, message, checked_at"
    "  FROM article_findings;"
    "DROP TABLE article_findings;"
    "ALTER TABLE article_findings_new RENAME TO article_findings;"
    "CREATE INDEX article_findings_article ON article_findings(article_id);"
    "CREATE TABLE gates(slot INTEGER PRIMARY KEY, taken INTEGER NOT NULL DEFAULT 0);"
    "WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 63)"
    "  INSERT INTO gates(slot) SELECT n FROM s;";

/* CDN purges (web/cdn.h): the surrogate keys a change makes stale, queued
** when cdn_purge_url is set, one row a key (a second change to a key
** queued but not yet sent bumps gen instead: the sender deletes a row only
** if its gen is still the one it sent).  The keys follow the page cache's
** dependencies (web/cdn.c names a page's keys the same way): an article's
** change purges article-N, 'articles' (full-text feeds) and 'any' (pages
** that depend on everything); 'lists' purges 'lists'; an article's
** comments article-N and 'comments'; an author's profile author-N and
** 'lists'; a setting, section, static page or redirect 'site' (on every
** page).  A renamed tag purges tag-N beside the 'lists' its change logs. */
static const char migration_35[] =
    "CREATE TABLE cdn_purges("
    "  skey TEXT PRIMARY KEY,"
    "  gen INTEGER NOT NULL DEFAULT 0,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_at INTEGER NOT NULL DEFAULT 0"
    ") WITHOUT ROWID;"
    "CREATE TRIGGER changes_cdn AFTER INSERT ON changes"
    "  WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'cdn_purge_url' AND value <> '') BEGIN"
    "  INSERT INTO cdn_purges(skey) SELECT k FROM ("
    "    SELECT CASE NEW.kind WHEN 'article' THEN 'article-' || NEW.id"
    "      WHEN 'comments' THEN 'article-' || NEW.id WHEN 'author' THEN 'author-' || NEW.id"
    "      WHEN 'lists' THEN 'lists' ELSE 'site' END AS k"
    "    UNION ALL SELECT CASE NEW.kind WHEN 'article' THEN 'articles'"
    "      WHEN 'comments' THEN 'comments' WHEN 'author' THEN 'lists' ELSE NULL END"
    "    UNION ALL SELECT 'any' WHERE NEW.kind <> 'all'"
    "  ) WHERE k IS NOT NULL AND k <> 'article-0'"
    "  ON CONFLICT(skey) DO UPDATE SET gen = cdn_purges.gen + 1;"
    " END;"
    "CREATE TRIGGER tags_upd_cdn AFTER UPDATE ON tags"
    "  WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'cdn_purge_url' AND value <> '')"
    "  AND NOT EXISTS (SELECT 1 FROM changes_held) BEGIN"
    "  INSERT INTO cdn_purges(skey) VALUES ('tag-' || NEW.id)"
    "  ON CONFLICT(skey) DO UPDATE SET gen = cdn_purges.gen + 1;"
    " END;";

static const struct db_migration migrations[] = {
	{1, migration_1},
	{2, migration_2},
	{3, migration_3},
	{4, migration_4},
	{5, migration_5},
	{6, migration_6},
	{7, migration_7},
	{8, migration_8},
	{9, migration_9},
	{10, migration_10},
	{11, migration_11},
	{12, migration_12},
	{13, migration_13},
	{14, migration_14},
	{15, migration_15},
	{16, migration_16},
	{17, migration_17},
	{18, migration_18},
	{19, migration_19},
	{20, migration_20},
	{21, migration_21},
	{22, migration_22},
	{23, migration_23},
	{25, migration_25},
	{27, migration_27},
	{28, migration_28},
	{29, migration_29},
	{30, migration_30},
	{31, migration_31},
	{32, migration_32},
	{33, migration_33},
	{35, migration_35},
	/* 36 is PostgreSQL's alone (schema_pg.c); the next for both is 37. */
};

int schema_latest(void)
{
	return migrations[sizeof migrations / sizeof *migrations - 1].version;
}

/* The name of a PostgreSQL database's pre-migration dump: its database
** name from the URL (the path's last part, before any query), each byte
** but a letter, digit, '-', '_' or '.' made '_' ("byline" if none). */
static void pg_dump_name(const char *url, char *out, size_t outlen)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	const char *slash = strchr(p, '/');
	const char *start = slash ? slash + 1 : "";
	size_t n = strcspn(start, "?#");
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < outlen; i++) {
		char c = start[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		         c == '-' || c == '_' || (c == '.' && k > 0);
		out[k++] = ok ? c : '_';
	}
	out[k] = '\0';
	if (!k)
		snprintf(out, outlen, "byline");
}

/* byline backup's dump of a PostgreSQL database at schema version have:
** the new SQLite file to, made at the same version (SQLite's migrations up
** to have: PostgreSQL's 33 is SQLite's 33, its 36 changes no table), the
** site copied into it in one snapshot of src (copydb.c) and then every
** table's rows and checksum compared.  0, or -1 with why (the file is
** removed). */
static int pg_dump_old(struct db *src, int have, const char *to, char *why, size_t whylen)
{
	/* The name is claimed first, so that a file already there (another
	** node's dump of the same second) is never opened as the copy. */
	int fd = open(to, O_WRONLY | O_CREAT | O_EXCL, 0640);
	if (fd < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	close(fd);
	struct db *dst = db_open(to, why, whylen);
	if (!dst) {
		unlink(to);
		return -1;
	}
	size_t n = 0;
	while (n < sizeof migrations / sizeof *migrations && migrations[n].version <= have)
		n++;
	struct copydb *c = copydb_new();
	int rc = db_migrate(dst, migrations, n, why, whylen) == DB_OK ? 0 : -1;
	int snap = rc == 0 ? db_read_begin(src) : 0;
	if (rc == 0)
		rc = copydb_copy(c, src, dst, 500, why, whylen);
	for (size_t i = 0; rc == 0 && i < schema_tables_n; i++) {
		long long ra, rb;
		unsigned long long sa, sb;
		if (copydb_sum(c, src, i, &ra, &sa) != 0 || copydb_sum(c, dst, i, &rb, &sb) != 0 ||
		    ra != rb || sa != sb) {
			snprintf(why, whylen, "table %s differs in the dump (%lld rows, %lld copied)",
			         schema_tables[i].name, ra, rb);
			rc = -1;
		}
	}
	if (snap)
		db_read_end(src);
	db_close(dst);
	copydb_free(c);
	if (rc != 0)
		unlink(to);
	return rc;
}

int schema_backup_before_upgrade(const char *path, char *err, size_t errlen)
{
	struct db *db = db_open(path, err, errlen);
	if (!db)
		return 0; /* the caller's own open says why */
	int is_pg = strcmp(db_engine(db), "postgresql") == 0;
	int have = db_version(db);
	int latest = schema_latest();
	if (is_pg) {
		size_t n;
		const struct db_migration *m = schema_pg_migrations(&n);
		latest = m[n - 1].version;
	}
	if (have == 0 || have >= latest) {
		db_close(db);
		return 0;
	}
	char stamp[32], to[4200], why[512];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	if (is_pg) {
		char name[128];
		pg_dump_name(path, name, sizeof name);
		snprintf(to, sizeof to, "%s.v%d-%s.bak", name, have, stamp);
		log_warn("upgrade: the database's schema is version %d, this build's %d: dumping it "
		         "to %s (in the current folder; an SQLite file, made at version %d "
		         "first) before migrating",
		         have, latest, to, have);
		int rc = pg_dump_old(db, have, to, why, sizeof why);
		db_close(db);
		if (rc != 0) {
			snprintf(err, errlen, "the schema is version %d, this build's %d, and the dump "
			         "kept before migrating could not be written to %s in the current "
			         "folder: %s (nothing was migrated; start it from a folder it may "
			         "write, with room for the dump)",
			         have, latest, to, why);
			return -1;
		}
		log_warn("upgrade: dumped the database (version %d) to %s before migrating "
		         "(byline restore brings it back)",
		         have, to);
		return 0;
	}
	if ((size_t)snprintf(to, sizeof to, "%s.v%d-%s.bak", path, have, stamp) >= sizeof to) {
		db_close(db);
		snprintf(err, errlen, "the database's path is too long to name a backup beside it");
		return -1;
	}
	/* SQLite's online backup (byline backup's): consistent even while
	** another process, an old version still running, writes. */
	int rc = db_backup(db, to, why, sizeof why);
	db_close(db);
	if (rc != DB_OK) {
		snprintf(err, errlen, "the schema is version %d, this build's %d, and the copy kept "
		         "before migrating could not be written to %s: %s (nothing was migrated)",
		         have, latest, to, why);
		return -1;
	}
	log_warn("upgrade: the database's schema is version %d, this build's %d: copied it to "
	         "%s before migrating",
	         have, latest, to);
	return 0;
}

int schema_migrate(struct db *db, char *err, size_t errlen)
{
	const struct db_migration *m = migrations;
	size_t n = sizeof migrations / sizeof *migrations;
	if (strcmp(db_engine(db), "postgresql") == 0)
		m = schema_pg_migrations(&n); /* PostgreSQL's dialect: schema_pg.c */
	if (db_migrate(db, m, n, err, errlen) != DB_OK)
		return -1;
	if (settings_ensure_defaults(db) != 0) {
		snprintf(err, errlen, "cannot write default settings: %s", db_errmsg(db));
		return -1;
	}
	/* The footer_links setting became the footer menu (no schema change:
	** its row moves once, then is gone). */
	if (menu_adopt_footer_links(db) < 0) {
		snprintf(err, errlen, "cannot move the footer links into the footer menu: %s",
		         db_errmsg(db));
		return -1;
	}
	if (article_render_stale(db) < 0) {
		snprintf(err, errlen, "cannot render article bodies again: %s", db_errmsg(db));
		return -1;
	}
	if (comment_render_stale(db) < 0) {
		snprintf(err, errlen, "cannot render comments again: %s", db_errmsg(db));
		return -1;
	}
	if (page_render_stale(db) < 0) {
		snprintf(err, errlen, "cannot render pages again: %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

struct db *model_open(const char *path, char *err, size_t errlen)
{
	if (schema_backup_before_upgrade(path, err, errlen) != 0)
		return NULL;
	struct db *db = db_open(path, err, errlen);
	if (!db)
		return NULL;
	if (schema_migrate(db, err, errlen) != 0) {
		db_close(db);
		return NULL;
	}
	return db;
}

const struct schema_table schema_tables[] = {
	{"users", "id"},           {"app_passwords", "id"},    {"media", "id"},
	{"media_variants", NULL},  {"sections", "id"},         {"tags", "id"},
	{"webhook_events", NULL},  {"articles", "id"},         {"article_authors", NULL},
	{"article_findings", "id"}, {"article_notes", "id"},   {"article_tags", NULL},
	{"pages", "id"},           {"page_revisions", "id"},   {"autosaves", "id"},
	{"commenters", NULL},      {"comments", "id"},         {"embeds", NULL},
	{"front_picks", "article_id"}, {"gates", "slot"},      {"login_failures", "id"},
	{"mail_queue", "id"},      {"menu_items", "id"},       {"old_slugs", NULL},
	{"password_links", NULL},  {"redirects", NULL},        {"reset_requests", "id"},
	{"revisions", "id"},       {"sessions", "id"},         {"settings", NULL},
	{"site_icons", "size"},    {"site_words", NULL},       {"spam_tokens", NULL},
	{"spam_totals", "id"},     {"webhooks", "id"},         {"webhook_deliveries", "id"},
	{"webhook_attempts", "id"}, {"webmentions_in", "id"},  {"webmentions_out", "id"},
	{"wp_import_map", NULL},
};
const size_t schema_tables_n = sizeof schema_tables / sizeof *schema_tables;

static const struct {
	const char *name; /* a table of schema_tables[] */
	int since;        /* the migration that made it */
} tables_since[] = {
	{NULL, 0}, /* none yet */
};

int schema_table_since(const char *name)
{
	for (size_t i = 0; tables_since[i].name; i++)
		if (!strcmp(tables_since[i].name, name))
			return tables_since[i].since;
	return 0;
}
