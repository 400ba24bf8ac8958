// wpapi_client.mjs: the REST API driven by a real WordPress client from npm
// (wpapi, node-wpapi), as a newsroom's scripts and apps drive WordPress.
// Run by test_restapi_client.py with the site's base and credentials in the
// environment; prints one line per check and "N passed, N failed".
//
// Response shapes are checked against SCHEMA below: the field names and
// JSON types of the REST API Handbook's schemas (post, page, category,
// tag, user, comment, attachment) for the "view" context, the subset
// Byline serves.
import WPAPI from 'wpapi';
import assert from 'node:assert';

const env = process.env;
const BASE = env.API_BASE;
let passed = 0, failed = 0;

function check(cond, name, detail) {
	if (cond) {
		passed++;
	} else {
		failed++;
		console.log('FAIL: ' + name + (detail !== undefined ? '\n  ' +
			JSON.stringify(detail).slice(0, 500) : ''));
	}
	return cond;
}

const S = 'string', N = 'number', B = 'boolean', O = 'object', A = 'array';
const RENDERED = { rendered: S };
const SCHEMA = {
	post: { id: N, date: S, date_gmt: S, guid: RENDERED, modified: S, modified_gmt: S, slug: S,
		status: S, type: S, link: S, title: RENDERED, content: { rendered: S, protected: B },
		excerpt: { rendered: S, protected: B }, author: N, featured_media: N,
		comment_status: S, ping_status: S, sticky: B, template: S, format: S, meta: A,
		categories: A, tags: A, _links: O },
	page: { id: N, date: S, date_gmt: S, guid: RENDERED, modified: S, modified_gmt: S, slug: S,
		status: S, type: S, link: S, title: RENDERED, content: RENDERED, excerpt: RENDERED,
		author: N, featured_media: N, parent: N, menu_order: N, comment_status: S,
		ping_status: S, template: S, meta: A, _links: O },
	category: { id: N, count: N, description: S, link: S, name: S, slug: S, taxonomy: S,
		parent: N, meta: A, _links: O },
	tag: { id: N, count: N, description: S, link: S, name: S, slug: S, taxonomy: S, _links: O },
	user: { id: N, name: S, url: S, description: S, link: S, slug: S, avatar_urls: O, meta: A,
		_links: O },
	comment: { id: N, post: N, parent: N, author: N, author_name: S, author_url: S, date: S,
		date_gmt: S, content: RENDERED, link: S, status: S, type: S, author_avatar_urls: O,
		meta: A, _links: O },
	attachment: { id: N, date: S, date_gmt: S, guid: RENDERED, modified: S, slug: S, status: S,
		type: S, link: S, title: RENDERED, author: N, caption: RENDERED, alt_text: S,
		media_type: S, mime_type: S, media_details: O, source_url: S, _links: O },
};

function typeOf(v) {
	return Array.isArray(v) ? A : v === null ? 'null' : typeof v;
}

// The paths where obj differs from schema (missing or of another type).
function mismatches(obj, schema, at = '') {
	const bad = [];
	for (const [k, t] of Object.entries(schema)) {
		const v = obj ? obj[k] : undefined;
		if (typeof t === 'object') {
			if (typeOf(v) !== O)
				bad.push(at + k);
			else
				bad.push(...mismatches(v, t, at + k + '.'));
		} else if (typeOf(v) !== t) {
			bad.push(at + k + ':' + typeOf(v));
		}
	}
	return bad;
}

function shape(obj, kind, name) {
	const bad = mismatches(obj, SCHEMA[kind]);
	check(bad.length === 0, name + ': the ' + kind + ' schema', bad);
}

const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;

async function main() {
	// Discovery from the site's front page (Link header), then the index.
	const site = await WPAPI.discover(BASE);
	check(site && typeof site.posts === 'function', 'discovery from the Link header');
	const wp = site || new WPAPI({ endpoint: BASE + '/wp-json' });

	// List, page.
	const first = await wp.posts().perPage(3).get();
	check(first.length === 3, 'list: per_page 3');
	check(first._paging && first._paging.total === Number(env.PUBLISHED) &&
		first._paging.totalPages === Math.ceil(Number(env.PUBLISHED) / 3) && first._paging.next,
		'paging: total, totalPages and next', first._paging && {
			total: first._paging.total, pages: first._paging.totalPages });
	first.forEach((p, i) => shape(p, 'post', 'posts[' + i + ']'));
	check(DATE.test(first[0].date) && DATE.test(first[0].date_gmt), 'dates as WordPress writes');
	const second = await first._paging.next.get();
	check(second.length === 3 && second[0].id !== first[0].id, 'page 2 through _paging.next');
	const back = await second._paging.prev.get();
	check(back[0].id === first[0].id, 'back through _paging.prev');

	// Filter.
	const cat = first.find((p) => p.categories.length).categories[0];
	const inCat = await wp.posts().categories(cat).perPage(100).get();
	check(inCat.length > 0 && inCat.every((p) => p.categories.includes(cat)), 'filter by category');
	const byAuthor = await wp.posts().author(first[0].author).perPage(100).get();
	check(byAuthor.length > 0 && byAuthor.every((p) => p.author === first[0].author),
		'filter by author');
	const bySlug = await wp.posts().slug(first[0].slug).get();
	check(bySlug.length === 1 && bySlug[0].id === first[0].id, 'filter by slug');
	const searched = await wp.posts().search(first[0].title.rendered.split(' ')[0]).get();
	check(searched.some((p) => p.id === first[0].id), 'search');

	// Embed, single items.
	const one = await wp.posts().id(first[0].id).embed().get();
	check(one.id === first[0].id && one._embedded && one._embedded.author[0].id === one.author,
		'a single post with _embed');
	// Embedded objects are in the "embed" context, which has no meta.
	const embedUser = { ...one._embedded.author[0], meta: [] };
	check(!('meta' in one._embedded.author[0]), 'the embedded author is in the embed context');
	shape(embedUser, 'user', 'embedded author');
	const cats = await wp.categories().get();
	cats.forEach((c, i) => shape(c, 'category', 'categories[' + i + ']'));
	const catOne = await wp.categories().id(cat).get();
	check(catOne.id === cat, 'a single category');
	const tags = await wp.tags().get();
	if (tags.length)
		shape(tags[0], 'tag', 'tags[0]');
	const users = await wp.users().get();
	users.forEach((u, i) => shape(u, 'user', 'users[' + i + ']'));
	check(!JSON.stringify(users).includes('@example'), 'users: no email');
	const comments = await wp.comments().get();
	if (comments.length) {
		shape(comments[0], 'comment', 'comments[0]');
		check(comments.every((c) => c.status === 'approved'), 'comments: approved only');
	}
	const pages = await wp.pages().get();
	if (pages.length)
		shape(pages[0], 'page', 'pages[0]');

	// Lists as wpapi sends them (categories[]=..&categories[]=..), include,
	// exclude, and the routes a client reads besides content.
	const cats2 = cats.slice(0, 2).map((c) => c.id);
	const inCats = await wp.posts().categories(cats2).perPage(100).get();
	check(inCats.length > 0 && inCats.every((p) => cats2.includes(p.categories[0])) &&
		inCats.length >= inCat.length, 'filter by two categories (an array)', cats2);
	const notCat = await wp.posts().excludeCategories(cat).perPage(100).get();
	check(notCat.every((p) => !p.categories.includes(cat)) &&
		notCat.length + inCat.length === Number(env.PUBLISHED), 'categories_exclude');
	const picked = await wp.posts().include([first[2].id, first[0].id]).get();
	check(picked.map((p) => p.id).join() === [first[0].id, first[2].id].join(),
		'include (an array)', picked.map((p) => p.id));
	const without = await wp.posts().exclude(first[0].id).perPage(3).get();
	check(without[0].id === first[1].id && without._paging.total === Number(env.PUBLISHED) - 1,
		'exclude');
	const types = await wp.types().get();
	check(types.post && types.post.rest_base === 'posts' && types.page, 'types');
	const taxes = await wp.taxonomies().get();
	check(taxes.category && taxes.post_tag && taxes.category.types.includes('post'), 'taxonomies');
	const statuses = await wp.statuses().get();
	check(Object.keys(statuses).join() === 'publish', 'statuses (anonymous: publish only)');
	let notAllowed = null;
	try {
		await wp.posts().status('draft').get();
	} catch (e) {
		notAllowed = e;
	}
	check(notAllowed && notAllowed.code === 'rest_invalid_param' && notAllowed.data.status === 400,
		'status=draft anonymous: rest_invalid_param');
	let missing = null;
	try {
		await wp.posts().id(999999).get();
	} catch (e) {
		missing = e;
	}
	check(missing && missing.code === 'rest_post_invalid_id' && missing.data.status === 404,
		'an error in WordPress\'s shape', missing);

	// Authenticated: an application password (HTTP Basic).
	const endpoint = BASE + '/wp-json';
	const editor = new WPAPI({ endpoint, username: env.EDITOR_LOGIN, password: env.EDITOR_PW });
	const contrib = new WPAPI({ endpoint, username: env.CONTRIB_LOGIN, password: env.CONTRIB_PW });
	const me = await editor.users().me().auth().get();
	check(me.id === Number(env.EDITOR_ID), 'users/me with the application password');
	const drafts = await editor.posts().status(['draft', 'pending']).context('edit').auth().get();
	check(Array.isArray(drafts) && drafts.every((p) => ['draft', 'pending'].includes(p.status)),
		'an editor lists drafts and pending posts (status as an array)');

	// A draft, media, publishing as an editor.
	const draft = await editor.posts().create({ title: 'Written by wpapi',
		content: '<p>Sent by <em>a client</em>.</p>', status: 'draft' });
	check(draft.id > 0 && draft.status === 'draft' && draft.title.raw === 'Written by wpapi',
		'create a draft', draft);
	shape(draft, 'post', 'the created draft');
	const png = Buffer.from(env.PNG_B64, 'base64');
	const media = await editor.media().file(png, 'from-wpapi.png').create({ title: 'x' });
	check(media.id > 0 && media.mime_type === 'image/png' && media.source_url.startsWith(BASE),
		'upload media', media);
	shape(media, 'attachment', 'the uploaded media');
	const published = await editor.posts().id(draft.id).update({ status: 'publish',
		featured_media: media.id });
	check(published.status === 'publish' && published.featured_media === media.id,
		'publish as an editor, with the featured image');
	const seen = await wp.posts().id(draft.id).get();
	check(seen.status === 'publish' && seen.content.rendered.includes('<em>a client</em>'),
		'the published post is public, its HTML kept');

	// A contributor: refused to publish.
	let refused = null;
	try {
		await contrib.posts().create({ title: 'Contributor tries', status: 'publish' });
	} catch (e) {
		refused = e;
	}
	check(refused && refused.code === 'rest_cannot_publish' && refused.data.status === 403,
		'refused as a contributor', refused);
	const pending = await contrib.posts().create({ title: 'Contributor submits',
		status: 'pending' });
	check(pending.status === 'pending', 'a contributor submits for review');
	let uploadRefused = null;
	try {
		await contrib.media().file(png, 'c.png').create({});
	} catch (e) {
		uploadRefused = e;
	}
	check(uploadRefused && uploadRefused.data && uploadRefused.data.status === 403,
		'a contributor cannot upload');

	console.log(passed + ' passed, ' + failed + ' failed');
	process.exit(failed ? 1 : 0);
}

main().catch((e) => {
	console.log('FAIL: the client threw: ' + (e && (e.stack || JSON.stringify(e))));
	console.log(passed + ' passed, ' + (failed + 1) + ' failed');
	process.exit(1);
});
