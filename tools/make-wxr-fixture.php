<?php
/*
 * Builds the fixture site inside a real WordPress through its own PHP API,
 * exports it with WordPress's own exporter, and writes what WordPress says
 * the site holds.  Run by tools/make-wxr-fixture.sh (which starts the
 * database and sets the WXR_* environment), never by hand:
 *   php make-wxr-fixture.php install   wp_install() into the empty database
 *   php make-wxr-fixture.php build     the site, then WXR_OUT/site.xml and
 *                                      WXR_OUT/facts.json
 * This file is the site's wp-config: it defines the constants and requires
 * the Debian package's wp-settings.php itself (the package's wp-config.php
 * wants an HTTP request naming a host to find /etc/wordpress/config-*.php).
 *
 * Everything written here is invented: a fictional town paper, its fictional
 * staff, readers and stories.  Each post is made to carry one or more of the
 * hard cases the importer must survive; facts.json's "cases" names which.
 */

$phase = $argv[1] ?? '';
if ($phase !== 'install' && $phase !== 'build') {
	fwrite(STDERR, "usage: php make-wxr-fixture.php install|build\n");
	exit(2);
}
foreach (['WXR_DB_HOST', 'WXR_DB_NAME', 'WXR_DB_USER', 'WXR_DB_PASSWORD', 'WXR_CONTENT_DIR', 'WXR_OUT'] as $v) {
	if (getenv($v) === false) {
		fwrite(STDERR, "make-wxr-fixture.php: $v is not set (run tools/make-wxr-fixture.sh)\n");
		exit(2);
	}
}

const SITE_URL = 'https://ledger.fennick-falls.example';
const SITE_HOST = 'ledger.fennick-falls.example';
const PERMALINKS = '/%year%/%monthnum%/%day%/%postname%/';
const TIMEZONE = 'America/New_York';

define('ABSPATH', '/usr/share/wordpress/');
define('DB_NAME', getenv('WXR_DB_NAME'));
define('DB_USER', getenv('WXR_DB_USER'));
define('DB_PASSWORD', getenv('WXR_DB_PASSWORD'));
define('DB_HOST', getenv('WXR_DB_HOST'));      /* localhost:/path/to/socket */
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_CONTENT_DIR', getenv('WXR_CONTENT_DIR'));
define('WP_SITEURL', SITE_URL);
define('WP_HOME', SITE_URL);
define('WP_DEBUG', false);
define('DISABLE_WP_CRON', true);             /* no loopback request to wp-cron.php */
define('WP_HTTP_BLOCK_EXTERNAL', true);      /* no pings, oEmbed or update checks */
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
if ($phase === 'install') {
	define('WP_INSTALLING', true);
}
$table_prefix = 'wp_';
$_SERVER['HTTP_HOST'] = SITE_HOST;
$_SERVER['SERVER_NAME'] = SITE_HOST;
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['HTTPS'] = 'on';

/* Pluggable: defined before WordPress loads, so its own is skipped.  The
 * fixture sends no mail (wp_install would mail the new administrator). */
function wp_mail($to, $subject, $message, $headers = '', $attachments = array()) {
	return true;
}

require ABSPATH . 'wp-settings.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
error_reporting(E_ALL & ~E_DEPRECATED);

function fail($what) {
	fwrite(STDERR, "make-wxr-fixture.php: $what\n");
	exit(1);
}

/* The id a WordPress API call returned, or stop with its error. */
function ok($r, $what) {
	if (is_wp_error($r)) {
		fail("$what: " . $r->get_error_message());
	}
	if (!$r) {
		fail("$what: failed");
	}
	return $r;
}

if ($phase === 'install') {
	$r = wp_install('The Fennick Falls Ledger', 'rcalloway', 'ruth.calloway@ledger.fennick-falls.example',
		true, '', 'not-a-real-password-1871');
	ok($r['user_id'] ?? 0, 'wp_install');
	/* Set here, not in the build: the sections' and tags' addresses follow
	 * the permalink structure the process started with. */
	update_option('timezone_string', TIMEZONE);
	update_option('gmt_offset', '');
	$GLOBALS['wp_rewrite']->set_permalink_structure(PERMALINKS);
	echo "make-wxr-fixture.php: WordPress {$GLOBALS['wp_version']} installed\n";
	exit(0);
}

/* ---- build ---------------------------------------------------------- */

if (!is_blog_installed()) {
	fail('WordPress is not installed (run the install phase first)');
}

/* wp_install's sample content is WordPress's own text, not ours. */
foreach (get_posts(['post_type' => 'any', 'post_status' => 'any', 'numberposts' => -1]) as $p) {
	wp_delete_post($p->ID, true);
}
foreach (get_comments(['status' => 'all']) as $c) {
	wp_delete_comment($c->comment_ID, true);
}

update_option('blogdescription', 'News from the valley since 1871');
if (get_option('permalink_structure') !== PERMALINKS || get_option('timezone_string') !== TIMEZONE) {
	fail('the install phase did not set the permalinks and timezone');
}
update_option('date_format', 'F j, Y');
update_option('thread_comments', 1);
update_option('thread_comments_depth', 5);
update_option('default_pingback_flag', 0);
update_option('default_ping_status', 'closed');
update_option('posts_per_page', 10);
/* Publishing adds _pingme/_encloseme meta for a cron job that never runs here. */
remove_action('publish_post', '_publish_post_hook', 5);

/* ---- people --------------------------------------------------------- */

$admin = get_user_by('login', 'rcalloway');
ok(wp_update_user(wp_slash([
	'ID' => $admin->ID, 'display_name' => 'Ruth Calloway-Beck', 'first_name' => 'Ruth',
	'last_name' => 'Calloway-Beck', 'nickname' => 'Ruth Calloway-Beck',
])), 'admin display name');

function add_person($login, $display, $first, $last, $role) {
	return ok(wp_insert_user(wp_slash([
		'user_login' => $login, 'user_pass' => wp_generate_password(24),
		'user_email' => $login . '@ledger.fennick-falls.example', 'display_name' => $display,
		'nickname' => $display, 'first_name' => $first, 'last_name' => $last, 'role' => $role,
	])), "user $login");
}
$u = [
	'ruth' => $admin->ID,
	'zoe' => add_person('zangstrom', 'Zoë Ångström-Núñez', 'Zoë', 'Ångström-Núñez', 'editor'),
	'hanako' => add_person('hyamada', '山田 花子', '花子', '山田', 'author'),
	'layla' => add_person('lhaddad', 'ليلى حداد', 'ليلى', 'حداد', 'author'),
	'stringer' => add_person('pquill', 'Pip Quill', 'Pip', 'Quill', 'contributor'),
];

/* ---- sections and tags ---------------------------------------------- */

/* Made by the administrator, as on a real site.  WordPress itself stores a
 * term name's "&" as "&amp;" whoever makes it. */
wp_set_current_user($admin->ID);

function add_term($name, $tax, $args = []) {
	$r = ok(wp_insert_term(wp_slash($name), $tax, wp_slash($args)), "term $name");
	return $r['term_id'];
}
$cat = [];
$cat['news'] = add_term('News', 'category', ['description' => 'Everything that happened in and around Fennick Falls.']);
$cat['local'] = add_term('Local', 'category', ['parent' => $cat['news'],
	'description' => 'Town hall, schools & the river: the stories closest to home.']);
$cat['council'] = add_term('Council', 'category', ['parent' => $cat['local'],
	'description' => 'Meetings, votes and budgets of the Fennick Falls town council.']);
$cat['arts'] = add_term('Arts & Culture', 'category', ['description' => 'Stage, page, gallery <em>and</em> the summer market.']);
$cat['sport'] = add_term('Sport', 'category', ['description' => '']);
$cat['uncat'] = (int) get_option('default_category');

$tag = [];
$tag['footbridge'] = add_term('footbridge', 'post_tag');
$tag['cafe'] = add_term('café', 'post_tag', ['description' => 'Coffee, cake and conversation.']);
$tag['shotengai'] = add_term('商店街', 'post_tag');
$tag['weather'] = add_term('weather', 'post_tag');
$tag['budget'] = add_term('budget', 'post_tag');
$tag['arabic'] = add_term('مجتمع', 'post_tag');

/* ---- media ---------------------------------------------------------- */

/* A small PNG of our own: a flat picture in two colours and a band. */
function make_png($w, $h, $rgb1, $rgb2) {
	$im = imagecreatetruecolor($w, $h);
	imagefill($im, 0, 0, imagecolorallocate($im, ...$rgb1));
	imagefilledrectangle($im, 0, intdiv($h * 2, 3), $w - 1, $h - 1, imagecolorallocate($im, ...$rgb2));
	ob_start();
	imagepng($im, null, 9);
	return ob_get_clean();
}

require_once ABSPATH . 'wp-admin/includes/image.php';
function add_image($name, $title, $alt, $caption, $when, $parent, $png) {
	$up = wp_upload_bits($name, null, $png, substr($when, 0, 4) . '/' . substr($when, 5, 2));
	if (!empty($up['error'])) {
		fail("upload $name: {$up['error']}");
	}
	$id = ok(wp_insert_attachment(wp_slash([
		'post_mime_type' => 'image/png', 'post_title' => $title, 'post_content' => '',
		'post_excerpt' => $caption, 'post_status' => 'inherit', 'post_date' => $when,
		'post_author' => $GLOBALS['u']['ruth'], 'guid' => $up['url'],
	]), $up['file'], $parent, true), "attachment $name");
	wp_update_attachment_metadata($id, wp_generate_attachment_metadata($id, $up['file']));
	update_post_meta($id, '_wp_attachment_image_alt', wp_slash($alt));
	return $id;
}

/* ---- posts ---------------------------------------------------------- */

/* A post as its author would save it: the author is the current user, so
 * WordPress filters the HTML of authors without unfiltered_html (kses), as
 * it does on a real site. */
function add_post($author, $fields, $what) {
	wp_set_current_user($author);
	$fields['post_author'] = $author;
	$fields += ['post_type' => 'post', 'post_status' => 'publish', 'comment_status' => 'open', 'ping_status' => 'closed'];
	return ok(wp_insert_post(wp_slash($fields), true), $what);
}

function add_comment($post, $fields) {
	$fields['comment_post_ID'] = $post;
	$fields += ['comment_author_email' => '', 'comment_author_url' => '', 'comment_author_IP' => '',
		'comment_type' => 'comment', 'comment_parent' => 0, 'user_id' => 0, 'comment_approved' => 1,
		'comment_agent' => 'Mozilla/5.0 (fixture)'];
	$fields['comment_date_gmt'] = get_gmt_from_date($fields['comment_date']);
	return ok(wp_insert_comment(wp_slash($fields)), "comment on $post");
}

$cases = [];

/* 1. The sticky front-page story: Gutenberg blocks, a featured image, a more
 *    tag, and the deep comment thread in every status. */
$bridge = add_post($u['ruth'], [
	'post_title' => 'Council approves new footbridge over the Fennick',
	'post_date' => '2024-01-15 10:00:00',
	'post_excerpt' => 'Seven votes to two: the old ford gets a bridge by autumn.',
	'post_content' => "<!-- wp:paragraph -->\n<p>After four hours of debate the town council voted seven to two on Monday night to build a footbridge over the Fennick at the old ford, replacing the stepping stones that flood every March.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->\n\n<!-- wp:heading -->\n<h2 class=\"wp-block-heading\">What the bridge will cost</h2>\n<!-- /wp:heading -->\n\n<!-- wp:list -->\n<ul><li>Design &amp; survey: \$48,000</li><li>Steel and decking: \$310,000</li><li>Lighting: \$22,500 &mdash; solar, the council insists</li></ul>\n<!-- /wp:list -->\n\n<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><p>&#8220;We have waded long enough,&#8221; the mayor said.</p><cite>Mayor Odile Brannock</cite></blockquote>\n<!-- /wp:quote -->\n\n<!-- wp:paragraph {\"className\":\"ledger-note\"} -->\n<p class=\"ledger-note\">Work starts in May.&nbsp;Comments are open below.</p>\n<!-- /wp:paragraph -->",
	'post_category' => [$cat['council']],
	'tags_input' => ['footbridge', 'budget'],
], 'bridge post');
$bridge_img = add_image('footbridge-sketch.png', 'Footbridge sketch', 'A sketch of the planned footbridge',
	'The footbridge as the engineers drew it.', '2024-01-15 09:30:00', $bridge, make_png(64, 40, [40, 90, 140], [90, 60, 30]));
wp_update_post(wp_slash(['ID' => $bridge, 'post_content' => str_replace('<!-- wp:heading -->',
	"<!-- wp:image {\"id\":$bridge_img,\"sizeSlug\":\"full\",\"linkDestination\":\"none\"} -->\n<figure class=\"wp-block-image size-full\"><img src=\"" . wp_get_attachment_url($bridge_img) . "\" alt=\"A sketch of the planned footbridge\" class=\"wp-image-$bridge_img\"/><figcaption class=\"wp-element-caption\">The footbridge as the engineers drew it.</figcaption></figure>\n<!-- /wp:image -->\n\n<!-- wp:heading -->",
	get_post_field('post_content', $bridge, 'raw')), 'post_modified' => '2024-01-15 10:00:00']));
set_post_thumbnail($bridge, $bridge_img);
stick_post($bridge);
$cases['sticky'] = $bridge;
$cases['gutenberg_blocks'] = $bridge;
$cases['more_tag'] = $bridge;
$cases['featured_image'] = $bridge;
$cases['comment_thread'] = $bridge;

$c1 = add_comment($bridge, ['comment_author' => 'Agnes Pellow', 'comment_author_email' => 'agnes.pellow@mail.example',
	'comment_author_IP' => '198.51.100.23', 'comment_date' => '2024-01-15 11:02:00',
	'comment_content' => "Finally! My boots thank the council.\n\nWill it be wide enough for prams?"]);
$c2 = add_comment($bridge, ['comment_author' => 'Zoë Ångström-Núñez', 'comment_author_email' => 'zangstrom@ledger.fennick-falls.example',
	'user_id' => $u['zoe'], 'comment_parent' => $c1, 'comment_date' => '2024-01-15 11:40:00',
	'comment_content' => 'Two metres, says the plan: room for a pram & a bicycle side by side.']);
$c3 = add_comment($bridge, ['comment_author' => 'Agnes Pellow', 'comment_author_email' => 'agnes.pellow@mail.example',
	'comment_author_IP' => '198.51.100.23', 'comment_parent' => $c2, 'comment_date' => '2024-01-15 12:15:00',
	'comment_content' => 'Thank you, Zoë. 👍🏽']);
$c4 = add_comment($bridge, ['comment_author' => 'Declan Moorcroft', 'comment_author_email' => 'declan@mail.example',
	'comment_author_IP' => '2001:db8::7', 'comment_parent' => $c3, 'comment_date' => '2024-01-15 13:00:00',
	'comment_approved' => 0, 'comment_content' => 'Held for moderation: a first comment from a new reader, fourth in the thread.']);
$c5 = add_comment($bridge, ['comment_author' => 'Bea Thornquist', 'comment_author_email' => 'bea.t@mail.example',
	'comment_author_IP' => '203.0.113.9', 'comment_parent' => $c3, 'comment_date' => '2024-01-15 13:20:00',
	'comment_content' => 'Prams, bicycles, and the Tuesday walking group — all of us.']);
add_comment($bridge, ['comment_author' => 'Bea Thornquist', 'comment_author_email' => 'bea.t@mail.example',
	'comment_author_IP' => '203.0.113.9', 'comment_parent' => $c5, 'comment_date' => '2024-01-15 13:25:00',
	'comment_approved' => 'trash', 'comment_content' => 'Posted twice by mistake, please remove.',
	'comment_meta' => ['_wp_trash_meta_status' => '1', '_wp_trash_meta_time' => '1705343400']]);
add_comment($bridge, ['comment_author' => 'Cheap Watches', 'comment_author_email' => 'sales@spam.example',
	'comment_author_url' => 'https://spam.example/watches', 'comment_author_IP' => '192.0.2.66',
	'comment_parent' => $c1, 'comment_date' => '2024-01-15 14:00:00', 'comment_approved' => 'spam',
	'comment_content' => 'Great bridge! Buy watches at https://spam.example/watches']);
add_comment($bridge, ['comment_author' => 'Walt Eskerby', 'comment_author_email' => 'walt@mail.example',
	'comment_author_IP' => '198.51.100.80', 'comment_date' => '2024-01-15 15:30:00', 'comment_approved' => 0,
	'comment_content' => 'Who is paying for the lighting? <b>Not me</b>, I hope.']);
add_comment($bridge, ['comment_author' => 'Walt Eskerby', 'comment_author_email' => 'walt@mail.example',
	'comment_author_IP' => '198.51.100.80', 'comment_date' => '2024-01-15 15:31:00', 'comment_approved' => 'trash',
	'comment_content' => 'Never mind.', 'comment_meta' => ['_wp_trash_meta_status' => '0', '_wp_trash_meta_time' => '1705350660']]);
add_comment($bridge, ['comment_author' => 'Valley Walkers Blog', 'comment_author_url' => 'https://walkers.example.net/2024/01/bridge/',
	'comment_author_IP' => '203.0.113.50', 'comment_type' => 'pingback', 'comment_date' => '2024-01-16 08:00:00',
	'comment_content' => '[&#8230;] the Ledger reports that the old ford is getting a footbridge [&#8230;]']);
add_comment($bridge, ['comment_author' => 'Gerry Ostrander', 'comment_author_email' => 'gerry@mail.example',
	'comment_author_IP' => '203.0.113.77', 'comment_date' => '2024-01-17 09:00:00', 'comment_approved' => 'spam',
	'comment_content' => 'Click here for free bridges.']);

/* 2. A late-night vote: local 23:30 on the 16th is 04:30 GMT on the 17th.
 *    Classic editor text: paragraphs from blank lines, entities. */
$late = add_post($u['zoe'], [
	'post_title' => 'Late vote: budget passes at 11:30 p.m.',
	'post_date' => '2024-01-16 23:30:00',
	'post_content' => "The town's budget for the coming year passed at 11:30 p.m. on Tuesday, five votes to four, after a recess that ran past the library's closing time.\n\nThe final figure &mdash; \$14.2&nbsp;million &mdash; is 3&#37; higher than last year's. Councillor Fenwick Obi called it &#8220;tight but honest&#8221;; Councillor Marta Sill called it &lt;unprintable&gt;.\n\n<strong>What changes:</strong> bin collection moves to Thursdays, and the pool opens at 6 a.m.\nLine two of the same paragraph, kept apart by a single newline.\n\nRead about the footbridge vote: <a href=\"" . get_permalink($bridge) . "\">" . get_the_title($bridge) . "</a>, or by its short link <a href=\"" . SITE_URL . "/?p=$bridge\">" . SITE_URL . "/?p=$bridge</a>.",
	'post_category' => [$cat['council']],
	'tags_input' => ['budget'],
], 'late post');
add_comment($late, ['comment_author' => 'Night Owl', 'comment_author_email' => 'owl@mail.example',
	'comment_author_IP' => '198.51.100.5', 'comment_date' => '2024-01-16 23:50:00',
	'comment_content' => 'Still awake at 23:50 to read this. Thursdays it is.']);
$cases['local_date_differs_from_gmt_winter'] = $late;
$cases['classic_paragraphs_and_entities'] = $late;
$cases['links_to_old_site'] = $late;

/* 3. Summer market: 22:15 EDT is 02:15 GMT the next day; emoji; non-ASCII tags. */
$market = add_post($u['hanako'], [
	'post_title' => 'Summer market opens on Water Street 🇳🇴🎉',
	'post_date' => '2024-07-04 22:15:00',
	'post_content' => "The summer market opened late on Thursday with forty stalls, a brass band, and the Nordahl family's waffle cart flying its flag 🇳🇴.\n\nFamilies 👨‍👩‍👧‍👦 queued for the café stand until the lights went out; a rainbow flag 🏳️‍🌈 hung over the cider press.\n\nStallholders from the 商店街 (shopping street) twinning association in Minato-Kita brought paper lanterns: 「ようこそ」 read the largest.",
	'post_category' => [$cat['arts'], $cat['local']],
	'tags_input' => ['café', '商店街'],
], 'market post');
add_comment($market, ['comment_author' => 'Søren Lykke-Brandt', 'comment_author_email' => 'soren@mail.example',
	'comment_author_url' => 'https://soren.example.net/', 'comment_author_IP' => '203.0.113.4', 'comment_date' => '2024-07-05 09:12:00',
	'comment_content' => 'Best waffles this side of Bergen 🧇🇳🇴 — see you next week!']);
$cases['local_date_differs_from_gmt_summer'] = $market;
$cases['emoji'] = $market;
$cases['non_ascii_tags'] = $market;

/* 4. A Japanese headline: WordPress stores its slug percent-encoded. */
$kissa = add_post($u['hanako'], [
	'post_title' => '喫茶店「ミナト」が50周年',
	'post_date' => '2024-03-02 08:00:00',
	'post_content' => "<p>水辺の喫茶店「ミナト」は今週、開店50周年を迎えた。</p>\n<p>The Minato coffee house on the riverside turned fifty this week; its owners served the original 1974 menu all Saturday.</p>",
	'post_category' => [$cat['arts']],
	'tags_input' => ['商店街', 'café'],
], 'kissa post');
$cases['non_ascii_post_slug'] = $kissa;
$cases['cjk_text'] = $kissa;

/* 5. Right-to-left text, by an author with an Arabic display name. */
$welcome = add_post($u['layla'], [
	'post_title' => 'Welcome, new neighbours — أهلاً بكم',
	'post_date' => '2024-04-10 12:00:00',
	'post_content' => "<p dir=\"rtl\" lang=\"ar\">أهلاً وسهلاً بجيراننا الجدد في فينيك فولز. المكتبة تفتح أبوابها كل يوم سبت للقاء الترحيب.</p>\n\n<p>The library's Saturday welcome morning now runs in Arabic and English: tea at ten, the town tour at eleven.</p>",
	'post_category' => [$cat['local']],
	'tags_input' => ['مجتمع'],
], 'welcome post');
$cases['rtl_text'] = $welcome;

/* 6. The technology column: "]]>" in body, excerpt and a comment, a
 *    backslash, markup shown as text. */
$cdata = add_post($u['ruth'], [
	'post_title' => 'How the Ledger stores a story: <tags>, & "quotes" ]]>',
	'post_date' => '2024-02-20 07:45:00',
	'post_excerpt' => 'A CDATA section ends with ]]> and that is where our trouble began.',
	'post_content' => "<p>Our archive is XML. Inside it every story sits in a CDATA section, which ends at the first <code>]]&gt;</code> &mdash; or, written raw, at ]]> right here.</p>\n\n<pre><code>&lt;![CDATA[ a story ]]&gt;\nC:\\Ledger\\archive\\1871\\</code></pre>\n\n<p>Twice ]]>]]> and once more in a row: ]]]]>>.</p>",
	'post_category' => [$cat['news']],
], 'cdata post');
add_comment($cdata, ['comment_author' => 'Ada Quern', 'comment_author_email' => 'ada@mail.example',
	'comment_author_IP' => '198.51.100.2', 'comment_date' => '2024-02-20 10:00:00',
	'comment_content' => 'So a comment containing ]]> is safe too? &amp; what about &lt;b&gt;?']);
$cases['cdata_end_in_text'] = $cdata;
$cases['markup_in_title'] = $cdata;
$cases['backslash'] = $cdata;

/* 7. Pictures of the ice storm: [caption], [gallery], [embed], a bare URL
 *    on its own line, and shortcodes no importer knows. */
$storm = add_post($u['zoe'], [
	'post_title' => 'In pictures: the ice storm',
	'post_date' => '2024-03-08 18:00:00',
	'post_content' => 'placeholder',
	'post_category' => [$cat['local']],
	'tags_input' => ['weather'],
], 'storm post');
$lamp = add_image('ice-lamp.png', 'Ice on the lamp posts', 'Lamp posts coated in ice',
	'Ice on Mill Lane lamp posts.', '2024-03-08 17:00:00', $storm, make_png(48, 48, [200, 220, 240], [60, 60, 70]));
$river = add_image('ice-river.png', 'The frozen weir', 'The weir frozen solid',
	'The weir, frozen for the first time since 1997.', '2024-03-08 17:05:00', $storm, make_png(64, 32, [180, 200, 230], [20, 50, 90]));
$lamp_url = wp_get_attachment_url($lamp);
ok(wp_update_post(wp_slash(['ID' => $storm, 'post_modified' => '2024-03-08 18:00:00', 'post_content' =>
	"[caption id=\"attachment_$lamp\" align=\"aligncenter\" width=\"48\"]<img class=\"size-full wp-image-$lamp\" src=\"$lamp_url\" alt=\"Lamp posts coated in ice\" width=\"48\" height=\"48\" /> Ice on Mill Lane lamp posts.[/caption]\n\n" .
	"Freezing rain fell for eleven hours. The river froze at the weir.\n\n" .
	"[gallery ids=\"$lamp,$river\" columns=\"2\" link=\"file\"]\n\n" .
	"The county's road camera caught the worst of it:\n\n" .
	"[embed]https://video.example.org/watch/ice-storm-fennick[/embed]\n\n" .
	"https://video.example.org/watch/weir-timelapse\n\n" .
	"[pullquote]\"I have never seen the weir stand still,\" said the lock keeper.[/pullquote]\n\n" .
	"[donate-button campaign=\"storm-relief\" /]"]), true), 'storm content');
$cases['shortcodes'] = $storm;
$cases['unknown_shortcodes'] = ['pullquote', 'donate-button'];

/* 8 and 9. Two posts with the same title, a week apart. */
$road1 = add_post($u['zoe'], ['post_title' => 'Road closures this week', 'post_date' => '2024-02-05 06:00:00',
	'post_content' => 'Mill Lane is closed Monday to Wednesday for resurfacing.', 'post_category' => [$cat['local']]], 'road 1');
$road2 = add_post($u['zoe'], ['post_title' => 'Road closures this week', 'post_date' => '2024-02-12 06:00:00',
	'post_content' => 'The Water Street bridge is closed Thursday night for inspection.', 'post_category' => [$cat['local']]], 'road 2');
$cases['same_title'] = [$road1, $road2];

/* 10. Comments closed, with comments kept. */
$catalogue = add_post($u['hanako'], [
	'post_title' => "The library's card catalogue retires after 96 years",
	'post_date' => '2024-05-01 09:00:00', 'comment_status' => 'closed',
	'post_content' => 'The oak drawers go to the historical society; the cards go online.',
	'post_category' => [$cat['arts']],
], 'catalogue post');
add_comment($catalogue, ['comment_author' => 'Hal Brennick', 'comment_author_email' => 'hal@mail.example',
	'comment_author_IP' => '198.51.100.44', 'comment_date' => '2024-05-01 10:00:00',
	'comment_content' => 'I learned the alphabet from those drawers.']);
add_comment($catalogue, ['comment_author' => 'Ines Farrow', 'comment_author_email' => 'ines@mail.example',
	'comment_author_IP' => '198.51.100.45', 'comment_date' => '2024-05-02 10:00:00',
	'comment_content' => 'Same here. Goodbye, old friend.']);
$cases['comments_closed'] = $catalogue;

/* 11. No category given: WordPress files it under Uncategorized. */
$fog = add_post($u['zoe'], ['post_title' => 'Fog expected on the valley road', 'post_date' => '2024-02-01 05:30:00',
	'post_content' => 'Drive slowly before nine.', 'tags_input' => ['weather']], 'fog post');
$cases['default_category'] = $fog;

/* 12-17. Every other status. */
$draft = add_post($u['zoe'], ['post_title' => 'School board candidates: who is running', 'post_status' => 'draft',
	'post_date' => '2024-06-01 14:00:00',
	'post_content' => 'Draft: four candidates so far; check the fifth with the clerk.', 'post_category' => [$cat['local']]], 'draft');
$pending = add_post($u['stringer'], ['post_title' => 'Bakery fire: the follow-up', 'post_status' => 'pending',
	'post_date' => '2024-06-03 16:20:00',
	'post_content' => 'Submitted for review: the bakery reopens in August, the owners say.', 'post_category' => [$cat['local']]], 'pending');
$future = add_post($u['ruth'], ['post_title' => 'Bicentennial week: the full programme', 'post_status' => 'future',
	'post_date' => '2035-05-01 09:00:00',
	'post_content' => 'Scheduled: parades, a regatta and the time capsule.', 'post_category' => [$cat['news']]], 'future');
$private = add_post($u['ruth'], ['post_title' => 'Staff memo: election night rota', 'post_status' => 'private',
	'post_date' => '2024-10-30 17:00:00',
	'post_content' => 'Staff only: who is at the count, who is on the desk.', 'post_category' => [$cat['news']]], 'private');
$password = add_post($u['zoe'], ['post_title' => 'The full audit of the water board', 'post_date' => '2024-09-12 12:00:00',
	'post_password' => 'ledger-subscriber',
	'post_content' => 'Subscribers only: the complete figures, line by line.', 'post_category' => [$cat['council']]], 'password');
add_comment($password, ['comment_author' => 'Subscriber Sam', 'comment_author_email' => 'sam@mail.example',
	'comment_author_IP' => '198.51.100.99', 'comment_date' => '2024-09-12 15:00:00',
	'comment_content' => 'Worth the subscription.']);
$trash = add_post($u['zoe'], ['post_title' => 'Wrong photo caption (withdrawn)', 'post_date' => '2024-03-09 09:00:00',
	'post_content' => 'This story was withdrawn.', 'post_category' => [$cat['local']]], 'trash');
wp_trash_post($trash);
update_post_meta($trash, '_wp_trash_meta_time', 1710000000);
$sport = add_post($u['layla'], ['post_title' => 'Falls FC win the valley cup, 3–2', 'post_date' => '2024-08-18 20:45:00',
	'post_content' => "<p>A header in the ninetieth minute.</p>", 'post_category' => [$cat['sport']],
	'ping_status' => 'open'], 'sport');
add_comment($sport, ['comment_author' => 'Valley Football Weekly', 'comment_author_url' => 'https://football.example.net/cup-final/',
	'comment_author_IP' => '203.0.113.61', 'comment_type' => 'trackback', 'comment_date' => '2024-08-19 07:00:00',
	'comment_content' => "<strong>Cup final report</strong>\n\nOur own report of the final, with the Ledger&#8217;s photos linked."]);
$cases['trackback'] = $sport;
$cases['status_draft'] = $draft;
$cases['status_pending_empty_slug_floating_date'] = $pending;
$cases['status_future'] = $future;
$cases['status_private'] = $private;
$cases['password_protected'] = $password;
$cases['status_trash'] = $trash;

/* ---- pages ---------------------------------------------------------- */

$about = add_post($u['ruth'], ['post_type' => 'page', 'post_title' => 'About us', 'post_name' => 'about-us',
	'post_date' => '2023-12-01 09:00:00', 'comment_status' => 'closed', 'menu_order' => 1,
	'post_content' => "<!-- wp:paragraph -->\n<p>The Fennick Falls Ledger has reported on the valley since 1871. We are a newsroom of six.</p>\n<!-- /wp:paragraph -->"], 'about page');
$policy = add_post($u['ruth'], ['post_type' => 'page', 'post_title' => 'Corrections policy', 'post_parent' => $about,
	'post_date' => '2023-12-01 09:30:00', 'comment_status' => 'closed', 'menu_order' => 2,
	'post_content' => "When we get something wrong we say so, at the foot of the story, with the date.\n\nWrite to the editor: corrections@ledger.fennick-falls.example."], 'policy page');
$contact = add_post($u['ruth'], ['post_type' => 'page', 'post_title' => 'Contact', 'post_date' => '2023-12-01 10:00:00',
	'comment_status' => 'closed', 'menu_order' => 3,
	'post_content' => "Newsroom: 14 Water Street, Fennick Falls.\n\n[contact-form-7 id=\"12\" title=\"Newsroom\"]"], 'contact page');
$handbook = add_post($u['ruth'], ['post_type' => 'page', 'post_title' => 'Staff handbook', 'post_status' => 'private',
	'post_date' => '2023-12-02 09:00:00', 'comment_status' => 'closed',
	'post_content' => 'Staff only.'], 'private page');
$cases['page_parent'] = $about;
$cases['page_child'] = $policy;
$cases['page_private'] = $handbook;

wp_set_current_user(0);

/* Edits made above (a picture added to a post, a post trashed) stamped
 * their time of day as the post's modified date: put the post's own date
 * back, so that the same run gives the same export. */
global $wpdb;
$today = current_time('Y-m-d');
foreach ($wpdb->get_results("SELECT ID, post_date, post_date_gmt, post_modified FROM $wpdb->posts") as $r) {
	if (substr($r->post_modified, 0, 10) === $today) {
		$wpdb->update($wpdb->posts, ['post_modified' => $r->post_date,
			'post_modified_gmt' => get_gmt_from_date($r->post_date)], ['ID' => $r->ID]);
		clean_post_cache($r->ID);
	}
}

/* ---- export --------------------------------------------------------- */

require_once ABSPATH . 'wp-admin/includes/export.php';
ob_start();
export_wp(['content' => 'all']);
$xml = ob_get_clean();
$out = rtrim(getenv('WXR_OUT'), '/');
if (file_put_contents("$out/site.xml", $xml) === false) {
	fail("cannot write $out/site.xml");
}

/* ---- facts, from WordPress --------------------------------------------- */

global $wpdb;
$status_name = ['1' => 'approved', '0' => 'hold', 'spam' => 'spam', 'trash' => 'trash'];
$text = function ($s) { return html_entity_decode($s, ENT_QUOTES | ENT_HTML5, 'UTF-8'); };
$path_of = function ($url) { return parse_url($url, PHP_URL_PATH) . (parse_url($url, PHP_URL_QUERY) ? '?' . parse_url($url, PHP_URL_QUERY) : ''); };
$facts = [
	'made_by' => 'tools/make-wxr-fixture.sh: WordPress ' . $GLOBALS['wp_version'] . ' (Debian package ' . getenv('WXR_WP_PACKAGE') . '), MariaDB ' . getenv('WXR_DB_VERSION') . ', PHP ' . PHP_VERSION,
	'wordpress_version' => $GLOBALS['wp_version'],
	'wxr_version' => WXR_VERSION,
	'site' => [
		'title' => get_option('blogname'),
		'description' => get_option('blogdescription'),
		'base_url' => home_url(),
		'site_url' => site_url(),
		'permalink_structure' => get_option('permalink_structure'),
		'category_base' => '/category/',
		'tag_base' => '/tag/',
		'timezone' => get_option('timezone_string'),
		'uploads_url' => wp_upload_dir(null, false)['baseurl'],
		'sticky_posts' => array_map('intval', get_option('sticky_posts')),
		'spam_comments_exported' => false,
	],
	'cases' => $cases,
	'authors' => [],
	'categories' => [],
	'tags' => [],
	'posts' => [],
	'pages' => [],
	'attachments' => [],
	'counts' => [],
];
foreach (get_users(['orderby' => 'ID']) as $usr) {
	$facts['authors'][] = ['id' => $usr->ID, 'login' => $usr->user_login, 'email' => $usr->user_email,
		'display_name' => $usr->display_name, 'first_name' => $usr->first_name, 'last_name' => $usr->last_name,
		'nicename' => $usr->user_nicename, 'role' => $usr->roles[0] ?? '',
		'path' => $path_of(get_author_posts_url($usr->ID)),
		'has_posts' => (bool) $wpdb->get_var($wpdb->prepare("SELECT COUNT(*) FROM $wpdb->posts WHERE post_author = %d AND post_status != 'auto-draft'", $usr->ID))];
}
foreach (['category' => 'categories', 'post_tag' => 'tags'] as $tax => $key) {
	foreach (get_terms(['taxonomy' => $tax, 'hide_empty' => false, 'orderby' => 'term_id']) as $t) {
		$parent = $t->parent ? get_term($t->parent, $tax) : null;
		$f = ['id' => $t->term_id, 'name' => $t->name, 'name_text' => $text($t->name), 'slug' => $t->slug,
			'slug_text' => rawurldecode($t->slug), 'description' => $t->description,
			'count' => $t->count, 'path' => $path_of(get_term_link($t))];
		if ($tax === 'category') {
			$f['parent_slug'] = $parent ? $parent->slug : '';
		}
		$facts[$key][] = $f;
	}
}

$all = get_posts(['post_type' => ['post', 'page', 'attachment'],
	'post_status' => ['publish', 'draft', 'pending', 'future', 'private', 'trash', 'inherit'],
	'numberposts' => -1, 'orderby' => 'ID', 'order' => 'ASC', 'suppress_filters' => true]);
foreach ($all as $p) {
	$author = get_userdata($p->post_author);
	$base = ['id' => $p->ID, 'type' => $p->post_type, 'status' => $p->post_status, 'title' => $p->post_title,
		'title_text' => $text($p->post_title), 'slug' => $p->post_name, 'slug_text' => rawurldecode($p->post_name),
		'date' => $p->post_date, 'date_gmt' => $p->post_date_gmt, 'author_login' => $author ? $author->user_login : '',
		'author_display_name' => $author ? $author->display_name : '', 'parent' => $p->post_parent,
		'permalink' => get_permalink($p)];
	if ($p->post_type === 'attachment') {
		$base['url'] = wp_get_attachment_url($p->ID);
		$base['file'] = get_post_meta($p->ID, '_wp_attached_file', true);
		$base['alt'] = get_post_meta($p->ID, '_wp_attachment_image_alt', true);
		$base['caption'] = $p->post_excerpt;
		$facts['attachments'][] = $base;
		continue;
	}
	$base['comment_status'] = $p->comment_status;
	$base['password_protected'] = $p->post_password !== '';
	$base['menu_order'] = $p->menu_order;
	if ($p->post_type === 'page') {
		$base['path'] = $p->post_status === 'publish' ? $path_of(get_permalink($p)) : '';
		$base['page_path'] = '/' . get_page_uri($p) . '/';
		$facts['pages'][] = $base;
		continue;
	}
	$base['sticky'] = is_sticky($p->ID);
	$base['date_path'] = '/' . mysql2date('Y/m/d', $p->post_date) . '/';
	$base['gmt_date_path'] = $p->post_date_gmt === '0000-00-00 00:00:00' ? '' : '/' . mysql2date('Y/m/d', $p->post_date_gmt) . '/';
	$base['path'] = $p->post_status === 'publish' ? $path_of(get_permalink($p)) : '';
	$base['categories'] = array_map(function ($id) { return get_term($id, 'category')->slug; }, wp_get_post_categories($p->ID));
	$base['tags'] = array_map(function ($t) { return $t->slug; }, wp_get_post_tags($p->ID));
	$base['featured_image'] = (int) get_post_thumbnail_id($p->ID);
	$rows = $wpdb->get_results($wpdb->prepare("SELECT comment_ID, comment_parent, comment_approved, comment_type FROM $wpdb->comments WHERE comment_post_ID = %d ORDER BY comment_ID", $p->ID));
	$per = ['approved' => 0, 'hold' => 0, 'spam' => 0, 'trash' => 0];
	$exported = $per;
	$types = [];
	$parent_of = [];
	foreach ($rows as $r) {
		$parent_of[$r->comment_ID] = (int) $r->comment_parent;
	}
	$thread = [];
	foreach ($rows as $r) {
		$s = $status_name[$r->comment_approved];
		$per[$s]++;
		if ($s !== 'spam') {
			$exported[$s]++;
		}
		$types[$r->comment_type] = ($types[$r->comment_type] ?? 0) + 1;
		$depth = 1;
		for ($q = (int) $r->comment_parent; $q && isset($parent_of[$q]); $q = $parent_of[$q]) {
			$depth++;
		}
		$thread[] = ['id' => (int) $r->comment_ID, 'parent' => (int) $r->comment_parent, 'status' => $s,
			'type' => $r->comment_type, 'depth' => $depth, 'exported' => $s !== 'spam'];
	}
	$base['comment_count'] = (int) $p->comment_count;   /* WordPress's: approved ones */
	$base['comments'] = $per;
	$base['comments_exported'] = $exported;
	$base['comment_types'] = $types;
	$base['comment_thread'] = $thread;
	$facts['posts'][] = $base;
}

/* Items and comments per kind and status, as the export holds them. */
$items = [];
foreach ($wpdb->get_results("SELECT post_type, post_status, COUNT(*) n FROM $wpdb->posts WHERE post_status != 'auto-draft' AND post_type IN ('post','page','attachment') GROUP BY post_type, post_status") as $r) {
	$items[$r->post_type][$r->post_status] = (int) $r->n;
}
$comments = [];
foreach ($wpdb->get_results("SELECT comment_approved, comment_type, COUNT(*) n FROM $wpdb->comments GROUP BY comment_approved, comment_type") as $r) {
	$comments[$status_name[$r->comment_approved]][$r->comment_type] = (int) $r->n;
}
$facts['counts'] = ['items' => $items, 'comments_in_wordpress' => $comments,
	'comments_exported' => (int) $wpdb->get_var("SELECT COUNT(*) FROM $wpdb->comments WHERE comment_approved <> 'spam'"),
	'authors_exported' => count(array_filter($facts['authors'], function ($a) { return $a['has_posts']; })),
	'categories' => count($facts['categories']), 'tags' => count($facts['tags'])];

$json = json_encode($facts, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
if ($json === false || file_put_contents("$out/facts.json", $json . "\n") === false) {
	fail("cannot write $out/facts.json");
}
echo "make-wxr-fixture.php: site built and exported: " . count($facts['posts']) . " posts, " . count($facts['pages']) .
	" pages, " . count($facts['attachments']) . " attachments\n";
