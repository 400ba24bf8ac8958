"""Writes a generated WordPress export (WXR 1.2) for the import benchmark:
POSTS published posts, each with COMMENTS/POSTS comments (a third of them
replies), spread over 20 authors, 30 categories and 200 tags.  Our own
made-up text.  Usage: python3 bench/wxr_gen.py POSTS COMMENTS > export.xml"""
import sys

posts, comments = int(sys.argv[1]), int(sys.argv[2])
per = max(comments // max(posts, 1), 0)
w = sys.stdout.write
w('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
  'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
  'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
  'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
  '<channel><title>Bench Gazette</title><link>https://bench.example.org</link>\n'
  '<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://bench.example.org'
  '</wp:base_site_url><wp:base_blog_url>https://bench.example.org</wp:base_blog_url>\n')
for a in range(20):
    w('<wp:author><wp:author_id>%d</wp:author_id><wp:author_login>writer%d</wp:author_login>'
      '<wp:author_email>writer%d@bench.example.org</wp:author_email>'
      '<wp:author_display_name><![CDATA[Writer Number %d]]></wp:author_display_name>'
      '</wp:author>\n' % (a + 1, a, a, a))
for c in range(30):
    w('<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename>section-%d'
      '</wp:category_nicename><wp:category_parent></wp:category_parent>'
      '<wp:cat_name><![CDATA[Section %d]]></wp:cat_name></wp:category>\n' % (c + 1, c, c))
for t in range(200):
    w('<wp:tag><wp:term_id>%d</wp:term_id><wp:tag_slug>tag-%d</wp:tag_slug>'
      '<wp:tag_name><![CDATA[Tag %d]]></wp:tag_name></wp:tag>\n' % (1000 + t, t, t))
para = ("The council met on a wet evening and argued, at length and in good "
        "humour, about the budget for the coming year. ") * 4
cid = 0
for i in range(1, posts + 1):
    y, m, d = 2010 + i % 15, 1 + i % 12, 1 + i % 28
    date = "%04d-%02d-%02d %02d:%02d:00" % (y, m, d, i % 24, i % 60)
    w('<item><title><![CDATA[Story %d about the valley]]></title>'
      '<link>https://bench.example.org/%04d/%02d/%02d/story-%d/</link>'
      '<dc:creator>writer%d</dc:creator><guid isPermaLink="false">https://bench.example.org/?p=%d'
      '</guid><content:encoded><![CDATA[<!-- wp:paragraph -->\n<p>%s</p>\n<!-- /wp:paragraph -->'
      '\n\n%s\n\nSee <a href="https://bench.example.org/2010/01/01/story-1/">the first</a>.]]>'
      '</content:encoded><wp:post_id>%d</wp:post_id><wp:post_date>%s</wp:post_date>'
      '<wp:post_date_gmt>%s</wp:post_date_gmt><wp:comment_status>open</wp:comment_status>'
      '<wp:post_name>story-%d</wp:post_name><wp:status>publish</wp:status>'
      '<wp:post_type>post</wp:post_type>'
      '<category domain="category" nicename="section-%d"><![CDATA[Section %d]]></category>'
      '<category domain="post_tag" nicename="tag-%d"><![CDATA[Tag %d]]></category>\n'
      % (i, y, m, d, i, i % 20, i, para, para, i, date, date, i, i % 30, i % 30,
         i % 200, i % 200))
    first = cid + 1
    for k in range(per):
        cid += 1
        parent = first if k % 3 == 2 else 0
        w('<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_author><![CDATA[Reader %d]]>'
          '</wp:comment_author><wp:comment_author_email>reader%d@example.net'
          '</wp:comment_author_email><wp:comment_author_IP>192.0.2.%d</wp:comment_author_IP>'
          '<wp:comment_date_gmt>%s</wp:comment_date_gmt><wp:comment_content><![CDATA['
          'I read this with interest, comment %d.]]></wp:comment_content>'
          '<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>%d'
          '</wp:comment_parent></wp:comment>\n'
          % (cid, cid % 5000, cid % 5000, cid % 250, date, cid, parent))
    w('</item>\n')
w('</channel>\n</rss>\n')
