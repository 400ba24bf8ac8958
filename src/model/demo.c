/*
** demo.c: The Harbor Ledger, the demo site a new Byline installation shows.
**
** The content is data: tables of authors, articles and comments, written for
** Byline (none of it is taken from a real publication), then poured in
** through the model's own functions (author_create, article_create,
** comment_add, settings_set) so that the demo exercises the same paths, the
** same Markdown rendering and the same constraints as real content.
**
** Port Averill is a fictional harbor city on the fictional Merrow Sound; its
** people are invented.  The articles cross-refer (the bakery cooperative
** turns up at the jazz festival, the restored library is a storm shelter, the
** ferry subsidy is fought over in the budget vote and then in a column) so
** that tag pages and related-article lists look like a real paper's.
**
** Dates carry an explicit offset (-04:00, Eastern daylight time, which runs
** until 1 November 2026) rather than relying on the process's time zone:
** the demo must land on the same instants whatever TZ the command runs under.
** demo_create() checks the tables as it goes (every date before the cutoff,
** every comment after its article and any reply after, and on the same
** article as, an approved parent) so that a later edit to the text cannot
** quietly produce an impossible site.
*/
#include "model/demo.h"
#include "model/article.h"
#include "model/author.h"
#include "model/comment.h"
#include "model/demo_photo.h"
#include "model/media.h"
#include "model/settings.h"
#include "model/taxonomy.h"
#include "core/arena.h"
#include "core/text.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char sql_counts[] =
    "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM users)";

/* Nothing in the demo may be dated at or after this instant. */
static const char demo_cutoff[] = "2026-11-01T00:00-04:00";

/* ---------------------------------------------------------------- settings */

struct demo_setting {
	const char *key;   /* a key settings_set() knows */
	const char *value; /* what the demo sets it to */
};

static const struct demo_setting demo_settings[] = {
	{"site_title", "The Harbor Ledger"},
	{"tagline", "Port Averill's daily newspaper, on the waterfront since 1888"},
	{"timezone", "America/New_York"},
};

/* ----------------------------------------------------------------- authors */

enum demo_author_ix { AU_DUNNE, AU_RENWICK, AU_HALVORSEN, AU_OYELARAN, N_AUTHORS };

struct demo_author {
	const char *name;  /* display name */
	const char *slug;  /* /author/SLUG/ */
	const char *role;  /* editor or author */
	const char *email; /* fictional, on example.com */
	const char *bio;   /* Markdown, shown on the author page */
};

static const struct demo_author demo_authors[N_AUTHORS] = {
	[AU_DUNNE] = {
		"Marguerite Dunne", "marguerite-dunne", "editor",
		"marguerite.dunne@example.com",
		"Marguerite has covered Port Averill's City Hall since the spring the "
		"Tollgate swing bridge stuck open for a week, and she still keeps the "
		"photograph on her desk. She edits the City desk and writes *Second "
		"Reading*, a Sunday column about how decisions made in the council "
		"chamber land on the street. Tips are welcome; corrections even more so.",
	},
	[AU_RENWICK] = {
		"Tobias Renwick", "tobias-renwick", "author",
		"tobias.renwick@example.com",
		"Tobias writes about the harbor economy: shipping, fishing, small "
		"business and the people who keep the cranes moving at Calder Terminal. "
		"Before joining the *Ledger* he spent six seasons on a scallop boat out "
		"of the Narrows, which is why he is still awake before the bakeries "
		"open. He is happiest on a loading dock with a notebook.",
	},
	[AU_HALVORSEN] = {
		"Priya Halvorsen", "priya-halvorsen", "author",
		"priya.halvorsen@example.com",
		"Priya covers the environment and science, from tide gauges to salt "
		"marsh restoration, and has a soft spot for any story that involves a "
		"research boat. She grew up in Kestrel Point and learned to swim off "
		"its seawall. Her series on the **Merrow Sound** water survey won a "
		"regional press award in 2025.",
	},
	[AU_OYELARAN] = {
		"Caleb Oyelaran", "caleb-oyelaran", "author",
		"caleb.oyelaran@example.com",
		"Caleb splits his week between the arts pages and the sports pages, "
		"which means he has reviewed a string quartet and a rowing regatta on "
		"the same Saturday more than once. He came to Port Averill for a summer "
		"internship and never left. Ask him about the best seats at Fennick "
		"Hall; he will tell you, at length.",
	},
};

/* ---------------------------------------------------------------- sections */

enum demo_section_ix {
	SE_CITY, SE_BUSINESS, SE_ENVIRONMENT, SE_CULTURE, SE_SPORT, SE_OPINION,
	N_SECTIONS
};

static const char *const demo_sections[N_SECTIONS] = {
	[SE_CITY] = "City",
	[SE_BUSINESS] = "Business",
	[SE_ENVIRONMENT] = "Environment",
	[SE_CULTURE] = "Culture",
	[SE_SPORT] = "Sport",
	[SE_OPINION] = "Opinion",
};

/* ---------------------------------------------------------------- articles */

/* Oldest first, so that ids grow with publication dates as on a real site. */
enum demo_article_ix {
	AR_MARSH, AR_BAKERY, AR_JAZZ, AR_DREDGING, AR_ROWING, AR_LIBRARY, AR_FERRY,
	AR_ROBOTICS, AR_STORM, AR_SOCCER, AR_BUDGET, AR_COLUMN, N_ARTICLES
};

#define MAX_DEMO_TAGS 4

struct demo_article {
	const char *slug;                 /* fixed, short and readable */
	const char *headline;             /* <h1> */
	const char *dek;                  /* standfirst */
	enum demo_author_ix author;       /* who wrote it */
	enum demo_section_ix section;     /* where it is filed */
	const char *published;            /* "YYYY-MM-DDTHH:MM-04:00" */
	const char *tags[MAX_DEMO_TAGS];  /* 2 to 4 names, NULL after the last */
	const char *body;                 /* Markdown */
};

static const struct demo_article demo_articles[N_ARTICLES] = {
	[AR_MARSH] = {
		"kestrel-point-salt-marsh-returns",
		"A year after the dikes came down, Kestrel Point's salt marsh is coming back",
		"Cordgrass, fiddler crabs and a pair of nesting ospreys: early signs that "
		"the city's largest restoration project is working, and that it may "
		"soften the next storm surge.",
		AU_HALVORSEN, SE_ENVIRONMENT, "2026-08-12T07:45-04:00",
		{"Storm Season", "Flooding", "Wildlife"},
		"Twelve months ago, excavators breached the old farm dikes along the "
		"eastern edge of Kestrel Point and let the tide back into forty acres "
		"of pasture that had been dry since the 1920s. This summer, for the "
		"first time in a century, that ground is green with cordgrass at low "
		"water and silver with it at high.\n\n"
		"The restoration, a joint project of the city's Parks Department and "
		"the Merrow Sound Conservancy, cost $6.8 million, most of it from a "
		"state coastal resilience grant. It had two purposes: to bring back "
		"habitat lost when the marsh was drained for grazing, and to give the "
		"neighborhood behind it a living buffer against storm surge.\n\n"
		"Survey teams walking fixed lines across the site in July found "
		"cordgrass on 61 percent of their plots, well ahead of the 40 percent "
		"the designers hoped to see by the end of the second year. Fiddler crab "
		"burrows, a rough but reliable sign of healthy marsh mud, turned up on "
		"almost every plot below the high-tide line.\n\n"
		"> \"I expected mudflats and patience. What we got is a marsh that "
		"seems to have been waiting for permission,\" said Dr. Lorna "
		"Achterberg, the Conservancy's restoration ecologist, who has led the "
		"monitoring since the breach. \"The seed bank in that old pasture was "
		"still alive. The tide did the rest.\"\n\n"
		"Not everything has gone to plan. A stretch of the new tidal creek "
		"along Gull Lane silted up over the winter and had to be reopened by "
		"hand, and residents of the lane say the mosquitoes were worse in June "
		"than they can remember. The Parks Department says the creek now flows "
		"freely, and that the small fish returning to it eat mosquito larvae by "
		"the thousand.\n\n"
		"The real test is still to come. Engineers estimate that a fully grown "
		"marsh could take as much as a foot off a storm surge before it reaches "
		"the houses on Tern Street, but that depends on roots and sediment that "
		"need several more seasons to build. \"Ask me after three winters,\" "
		"Achterberg said.\n\n"
		"For now, the most visible sign of change sits on a platform at the "
		"marsh's northern end: a pair of ospreys that raised two chicks there "
		"this summer. Volunteers who keep watch from the boardwalk say the "
		"young birds made their first clumsy flights last week.",
	},
	[AR_BAKERY] = {
		"fennick-street-bakers-cooperative",
		"Five Fennick Street bakers pool their ovens, and their early mornings",
		"The new Fennick Bread Cooperative shares a kitchen, a delivery van and "
		"the bill for flour. Its members say it is the only reason some of them "
		"are still in business.",
		AU_RENWICK, SE_BUSINESS, "2026-08-21T06:30-04:00",
		{"Small Business", "Food", "Neighborhoods"},
		"At four o'clock on a Tuesday morning, the old Halloran Brothers "
		"laundry on Fennick Street smells of rye, cardamom and wood smoke. The "
		"building has been a bakery for six weeks, and it is five bakeries at "
		"once.\n\n"
		"The Fennick Bread Cooperative opened in July, after its members spent "
		"most of a year, and most of their savings, turning the laundry into a "
		"shared commercial kitchen. Each bakery keeps its own name, recipes and "
		"shop front. What they share is the expensive part: a deck oven the "
		"size of a small car, a walk-in cooler, a refrigerated van, and a single "
		"monthly flour order large enough to earn a mill's wholesale price.\n\n"
		"Ada Mirabelli, whose family has sold bread on the street for three "
		"generations, said the numbers had stopped working long before anyone "
		"proposed a cooperative. Her flour costs rose by a third in two years, "
		"and her old oven needed a repair that would have cost more than the "
		"oven was worth.\n\n"
		"> \"I had a choice between closing and asking the people I thought of "
		"as my competition for help,\" Mirabelli said. \"It turned out they "
		"were having the same conversation with themselves. We just said it "
		"out loud at the same time.\"\n\n"
		"The other members are Sunday Loaf, a sourdough bakery run by Owen and "
		"Marisol Tate; Kaur's Kitchen, which makes flatbreads and sweets; Korn, "
		"Petra Lindqvist's Nordic bakery; and Second Rise, a volunteer-run "
		"bakery that gives most of what it makes to the food pantry at St. "
		"Brendan's. Oven time is divided on a calendar taped to the cooler "
		"door, and the bakers say it has caused fewer arguments than they "
		"feared.\n\n"
		"The cooperative borrowed $180,000 from the Port Averill Community Loan "
		"Fund and received a $25,000 grant from the city's small business "
		"program. Members pay a monthly share based on their oven hours. Owen "
		"Tate said the shared van alone saves Sunday Loaf about $900 a month, "
		"and lets it deliver to cafés across the Narrows for the first time.\n\n"
		"Not every problem is solved. Parking the van on Fennick Street is, in "
		"Lindqvist's words, \"a daily negotiation with the universe,\" and the "
		"bakers have asked the city for a loading zone. But the shop windows "
		"along the street, three of which were dark last winter, are full of "
		"bread again.",
	},
	[AR_JAZZ] = {
		"jazz-on-the-quay-twentieth-year",
		"Jazz on the Quay turns twenty with its biggest crowds yet",
		"An estimated 31,000 people came to the waterfront over three evenings. "
		"The best set of the weekend may have been the one nobody scheduled.",
		AU_OYELARAN, SE_CULTURE, "2026-08-30T22:15-04:00",
		{"Music", "Festivals", "Small Business", "Food"},
		"By the time the Dolores Vance Quintet took the main stage on Saturday "
		"evening, the crowd on Customs Quay stretched back past the fish market "
		"and halfway up Chandler Hill, and the harbor police had given up trying "
		"to keep the sidewalk on Water Street clear.\n\n"
		"Organizers estimate that 31,000 people came to Jazz on the Quay over "
		"its three nights this year, the festival's twentieth. That is about a "
		"third more than last year and the largest attendance since it began, "
		"in 2006, as a single evening of local trios on the back of a flatbed "
		"truck.\n\n"
		"Vance, who grew up in the Narrows and now lives in Chicago, built her "
		"set around the music she heard as a child on this waterfront, "
		"including a slow, aching arrangement of the sea shanty every Port "
		"Averill schoolchild learns in third grade. Her tenor saxophonist, Ray "
		"Okonkwo-Bell, drew the loudest cheer of the weekend with a solo that "
		"seemed to last the length of a tide.\n\n"
		"But the moment people were still talking about on Sunday came late on "
		"Friday, when a power failure silenced the main stage for forty "
		"minutes. Members of the Averill High School jazz band, who had played "
		"an afternoon slot, carried their instruments to the steps of the "
		"Custom House and kept playing, unamplified and in the dark, until the "
		"lights came back. A few hundred people followed them.\n\n"
		"> \"We only knew about nine songs, so we played some of them twice,\" "
		"said Imani Delacroix, 16, the band's trumpet player. \"Nobody seemed "
		"to mind.\"\n\n"
		"The festival's food lane, run this year with the new Fennick Bread "
		"Cooperative and a dozen harborside restaurants, sold out of clam "
		"fritters on two of the three nights. Festival director Hal Brannigan "
		"said the event will stay free, paid for by sponsors and a bucket "
		"collection that raised a record $48,000.\n\n"
		"Next year's dates have not been announced, but Brannigan says one "
		"change is certain: a backup generator for the main stage. \"Although,\" "
		"he added, \"I'm tempted to schedule a blackout.\"",
	},
	[AR_DREDGING] = {
		"harbor-dredging-main-channel",
		"Harbor dredging to start in January, deepening the main channel to 42 feet",
		"The Port Authority says the $74 million project will let larger "
		"container ships call at Port Averill. Fishermen and marsh advocates "
		"want to know where the mud will go.",
		AU_RENWICK, SE_BUSINESS, "2026-09-03T09:10-04:00",
		{"Harbor", "Port Authority", "Shipping"},
		"Dredges will begin deepening Port Averill's main shipping channel in "
		"January, the Port Authority announced on Wednesday, ending nearly a "
		"decade of studies, hearings and arguments over money.\n\n"
		"The project will take the channel from its present depth of 36 feet "
		"to 42 feet at low water, along the four and a half miles from the "
		"outer bar to the container berths at Calder Terminal. It is expected "
		"to cost $74 million, with the federal government paying about "
		"two-thirds and the Port Authority and the state splitting the rest.\n\n"
		"Port officials say the deeper channel is needed for the larger ships "
		"now common on Atlantic routes, which today must wait for high tide or "
		"call elsewhere. \"Every month, we turn away cargo that would like to "
		"come here,\" said Gwendolyn Sato, the Port Authority's executive "
		"director. \"This is about whether Port Averill is still a working "
		"port in twenty years.\"\n\n"
		"The harbor pilots who guide ships in from the bar have been among the "
		"project's most vocal supporters.\n\n"
		"> \"Bringing a deep-laden ship up the channel on a falling tide is "
		"like threading a needle with the lights off,\" said Captain Elias "
		"Marchetti, a pilot here for twenty-two years. \"Six more feet doesn't "
		"sound like much. From the bridge, it's the difference between a job "
		"and a gamble.\"\n\n"
		"The work will remove roughly 2.9 million cubic yards of sediment. Most "
		"of it will be carried to an offshore disposal site, but about a fifth, "
		"the cleanest sand and silt, will be used to raise eroding edges of the "
		"Kestrel Point marsh and to rebuild the beach at Sandy Neck. "
		"Conservationists welcomed that plan but want stricter limits on "
		"dredging during the spring herring run.\n\n"
		"Members of the Narrows Fishermen's Association have a more immediate "
		"worry: the dredges will work around the clock, in sections, for about "
		"eighteen months. \"We've been promised notices and a hotline,\" said "
		"lobsterman Dale Fitzhugh. \"We'd rather have a say in the schedule.\" "
		"The Port Authority will hold a public meeting on the work plan at the "
		"Custom House on September 17.",
	},
	[AR_ROWING] = {
		"rowing-club-wins-merrow-cup",
		"Port Averill Rowing Club takes the Merrow Cup by half a length",
		"A young crew, a crosswind at the bridge, and a final 500 meters that "
		"had the riverbank on its feet.",
		AU_OYELARAN, SE_SPORT, "2026-09-13T17:20-04:00",
		{"Local Sport", "Rowing", "Harbor", "Youth"},
		"For three-quarters of Saturday's Merrow Cup, the Port Averill Rowing "
		"Club's men's eight rowed in the wake of the favorites from Dunmore, "
		"and for much of that time the gap looked permanent.\n\n"
		"Then the crews passed under the Tollgate Bridge, where a crosswind off "
		"the sound catches every boat the same way, and Port Averill's "
		"coxswain, Nell Abernathy, called for the push her crew had practiced "
		"all summer. Over the last 500 meters the boat took back a length and a "
		"half. It crossed the line at the boathouse half a length clear, in 5 "
		"minutes 48 seconds.\n\n"
		"It is the club's first Merrow Cup since 2011, won by a crew whose "
		"average age is twenty-one. Four of its eight rowers learned the sport "
		"in the club's free youth program, which began with two borrowed boats "
		"and a coach who worked for nothing.\n\n"
		"> \"At the bridge I told them we'd been waiting all summer for that "
		"wind, so we'd better not waste it,\" Abernathy said, still soaked, on "
		"the dock afterward. \"I don't think I've ever heard eight people "
		"breathe that loudly.\"\n\n"
		"Dunmore's coach, Fergus Lyle, was gracious in defeat. \"They rowed the "
		"river better than we did,\" he said. \"That's the whole race, "
		"really.\"\n\n"
		"The club's women's four finished second in their event, and its junior "
		"double of Samir and Lina Haddad, brother and sister, won theirs by "
		"nearly ten seconds. The season ends with the Harbor Head race on "
		"October 11.",
	},
	[AR_LIBRARY] = {
		"saltmarsh-heights-library-reopens",
		"Saltmarsh Heights library reopens after a two-year restoration",
		"The 1911 branch has a new roof, an elevator, a homework room and its "
		"old oak reading tables back. On the first morning, there was a line "
		"at the door.",
		AU_DUNNE, SE_CITY, "2026-09-19T10:00-04:00",
		{"Libraries", "Schools", "Neighborhoods"},
		"The Saltmarsh Heights branch library opened its doors on Saturday for "
		"the first time in more than two years, and about two hundred people "
		"were waiting on the steps, many of them children carrying books that "
		"had been overdue since before it closed.\n\n"
		"The red-brick branch, built in 1911 with money raised by the "
		"neighborhood's shipyard workers, closed in the summer of 2024 after a "
		"storm tore away part of its roof and soaked the reading room ceiling. "
		"The city's first estimate for repairs was $2.1 million. The final bill "
		"for a fuller restoration, including an elevator, new wiring and a "
		"heating system that works, came to $4.6 million.\n\n"
		"Much of the original building has been kept. The oak reading tables, "
		"sent to a furniture restorer in the spring, are back under the tall "
		"windows, and the inscription carved over the fireplace, *Knowledge is "
		"the harbor of the mind*, has been cleaned of a century of coal "
		"smoke.\n\n"
		"What is new is mostly downstairs. The old boiler room is now a "
		"homework room with twenty computers and a tutor on weekday afternoons, "
		"paid for by the Averill Schools Foundation. A ramp and an elevator "
		"make the building fully accessible for the first time, and a backup "
		"generator means it can serve as a storm shelter.\n\n"
		"> \"Every kid in this neighborhood should have a warm, quiet place to "
		"do homework that isn't a kitchen table,\" said branch manager Rosalind "
		"Achebe-Moore, who grew up four streets away. \"For two years, they "
		"didn't. Now they do, and it's a beautiful one.\"\n\n"
		"The reopening was also a quiet victory for the Friends of Saltmarsh "
		"Heights Library, who gathered more than 6,000 signatures in 2024 when "
		"the city considered merging the branch into the central library "
		"downtown. Their chair, retired harbor pilot Walter Engstrom, cut the "
		"ribbon with scissors borrowed from the children's desk.\n\n"
		"The branch is open six days a week, until 8 p.m. on weekdays. Fines "
		"on books that fell overdue during the closure have been waived.",
	},
	[AR_FERRY] = {
		"narrows-ferry-winter-timetable",
		"Narrows ferry to lose its late-evening sailings in the winter timetable",
		"From November 2, the last boat from Customs Quay will leave at 9:15 "
		"p.m. instead of 10:40. Night-shift workers say they will be stranded.",
		AU_RENWICK, SE_CITY, "2026-09-28T12:30-04:00",
		{"Ferry", "Transport", "Port Authority", "City Council"},
		"The Port Authority will cut the late-evening sailings on the Narrows "
		"ferry from November 2, when the winter timetable takes effect, leaving "
		"people who finish work after 9 p.m. on the city side of the harbor with "
		"a forty-five-minute bus ride or a taxi fare home.\n\n"
		"The crossing between Customs Quay and Narrows Landing takes eleven "
		"minutes and carries about 4,200 passengers on an average weekday. "
		"Under the new timetable:\n\n"
		"- the last sailing from Customs Quay moves from 10:40 p.m. to 9:15 "
		"p.m.;\n"
		"- the last sailing from Narrows Landing moves from 10:55 p.m. to 9:30 "
		"p.m.;\n"
		"- weekday boats before 8 a.m. run every 20 minutes instead of every "
		"30;\n"
		"- Sunday service is unchanged.\n\n"
		"The Authority says the late boats carry fewer than thirty passengers a "
		"trip in winter, and that the savings, about $610,000 a year in crew and "
		"fuel, are needed to close a gap in the ferry budget after the city "
		"reduced its subsidy. The extra early boats answer years of complaints "
		"about crowding on the commuter runs.\n\n"
		"For those thirty passengers, the change is not small. Many work "
		"evening shifts at St. Brendan's Hospital, in the restaurants around "
		"the quay, or on the cleaning crews at Calder Terminal.\n\n"
		"> \"I get off at ten. The boat has me home in fifteen minutes,\" said "
		"Lucia Ferreira, a nursing assistant who has taken the 10:40 for eleven "
		"years. \"The bus takes three-quarters of an hour and leaves me a mile "
		"from my door, at night, in January. That's not a timetable change. "
		"That's a pay cut.\"\n\n"
		"Councilor Desmond Reyes, who represents the Narrows, said he will ask "
		"the council to restore the subsidy in next month's budget vote, and the "
		"Authority has said it would bring back the late sailings if the money "
		"is found. Comments on the timetable can be sent to the Authority until "
		"October 15.",
	},
	[AR_ROBOTICS] = {
		"kestrel-point-robotics-nationals",
		"Kestrel Point High's robotics team is going to the national championship",
		"Their robot, Barnacle, sorts recycling faster than any other entry in "
		"the Northeast. Now the team needs $14,000 to get it to the finals.",
		AU_HALVORSEN, SE_CITY, "2026-10-09T15:00-04:00",
		{"Schools", "Youth"},
		"The robot is about the size of a laundry basket, painted the orange of "
		"a harbor buoy, and it is called Barnacle because, its builders say, "
		"once it grabs something it does not let go.\n\n"
		"Last weekend, at the regional championship in Hartwell, Barnacle and "
		"the eleven students of Kestrel Point High School's robotics club won "
		"the Northeast title against thirty-eight other schools. This year's "
		"challenge asked for a robot that could sort a jumbled pile of cans, "
		"bottles and cardboard into the right bins, on its own, in two and a "
		"half minutes. Barnacle's best run sorted 47 items without a mistake, "
		"a regional record.\n\n"
		"The win sends the team to the national championship in April, a first "
		"for the school and for any public high school in Port Averill.\n\n"
		"The club is only four years old. It began when physics teacher Tomasz "
		"Wieczorek noticed students building small machines out of scrap at the "
		"back of his classroom during lunch, and offered them a corner of the "
		"metal shop after school. Most of Barnacle's frame is salvaged aluminum "
		"from a boatyard on the point.\n\n"
		"> \"People assume the hard part is the programming. The hard part is "
		"getting eleven teenagers to agree on anything,\" Wieczorek said. "
		"\"They argued about the gripper for three weeks, then built both "
		"designs and raced them. That's engineering.\"\n\n"
		"The team's captain, senior Yusra Baptiste, wrote most of the software "
		"that lets Barnacle tell a clear bottle from a crumpled one. The team "
		"trained it on a week of recycling from the school cafeteria. \"We "
		"learned a lot about what people at this school drink,\" she said.\n\n"
		"Getting to the finals will cost about $14,000 for travel, hotel rooms "
		"and shipping the robot. The team has raised about a third of that, "
		"including $1,200 from a bake sale stocked by the Fennick Bread "
		"Cooperative. Donations can be made through the school's front office.",
	},
	[AR_STORM] = {
		"storm-season-preparedness-guide",
		"Storm season is here: how to get ready before the next nor'easter",
		"Forecasters expect an active winter on Merrow Sound. An emergency "
		"manager, the harbormaster and a hardware store owner on what to do "
		"now, while the weather is calm.",
		AU_HALVORSEN, SE_ENVIRONMENT, "2026-10-14T08:00-04:00",
		{"Storm Season", "Flooding", "Harbor"},
		"The first nor'easter of the season usually reaches Merrow Sound "
		"between late October and Thanksgiving, and this year forecasters at "
		"the regional weather office expect more of them than usual, with warm "
		"ocean water feeding the storms that track up the coast.\n\n"
		"Port Averill's emergency management office says the most useful "
		"preparation happens long before a storm has a name. \"When the "
		"forecast says forty-eight hours, the hardware stores are out of "
		"batteries and the gas stations have lines,\" said the office's "
		"director, Beatrix Holloway. \"The people who do best are the ones who "
		"did the boring things in October.\"\n\n"
		"## Before the storm\n\n"
		"Holloway's office asks every household to:\n\n"
		"1. **Know your zone.** The city's flood map divides the waterfront "
		"into zones A, B and C. Zone A, which includes most of the Narrows and "
		"lower Kestrel Point, is evacuated first. The map is posted at every "
		"library branch and fire station.\n"
		"2. **Make a kit** with water for three days (a gallon per person per "
		"day), medicines, a battery radio, a flashlight, phone chargers, and "
		"copies of important papers in a sealed bag.\n"
		"3. **Clear the storm drain** nearest your house. Leaves in a drain are "
		"the most common cause of street flooding in storms the seawalls "
		"otherwise handle.\n"
		"4. **Check on a neighbor** who lives alone, is elderly or has no car, "
		"and agree now on how you will reach each other if the power goes out.\n"
		"5. **Sign up for AverillAlert**, the city's text message service for "
		"evacuation orders and shelter openings.\n\n"
		"## On the water\n\n"
		"Boat owners have their own list. Harbormaster Colm Brady asks that "
		"small boats be hauled out by November 15, and that owners of boats "
		"staying in the water double their mooring lines and take off canvas, "
		"which can act as a sail in high winds. \"Every storm, somebody's boat "
		"ends up in somebody else's yard,\" Brady said. \"Please don't let it "
		"be yours.\"\n\n"
		"## If you have to leave\n\n"
		"The city opens three shelters when an evacuation is ordered: Kestrel "
		"Point High School, the Fennick Street Community Center, and the "
		"Saltmarsh Heights library, which since its restoration has a backup "
		"generator. Pets are welcome at all three in a carrier or on a leash. "
		"Buses leave every thirty minutes from marked stops in Zone A once an "
		"order is given.\n\n"
		"At Driscoll Hardware on Chandler Hill, owner Ines Driscoll has already "
		"restocked sandbags and generators. Her own advice is simpler: \"Buy "
		"the batteries now. You'll use them eventually, storm or not.\"",
	},
	[AR_SOCCER] = {
		"mariners-hold-dunmore-to-draw",
		"Ten-man Mariners hold Dunmore to a scoreless draw in the rain",
		"A waterlogged field and a goalkeeper having the game of his life keep "
		"Port Averill in the race for the league's last playoff place.",
		AU_OYELARAN, SE_SPORT, "2026-10-18T21:00-04:00",
		{"Local Sport", "Soccer"},
		"The Port Averill Mariners played the last thirty-one minutes of "
		"Saturday's match against Dunmore City with ten men, in rain heavy "
		"enough that the ball stopped dead in puddles near midfield, and came "
		"away with a 0-0 draw that felt, to the 2,300 soaked fans at Chandler "
		"Park, a lot like a win.\n\n"
		"The point keeps the Mariners fourth in the Atlantic Coast League with "
		"two games left, one place and one point ahead of Dunmore in the race "
		"for the final playoff spot.\n\n"
		"The match turned in the 59th minute, when defender Kofi Antwi was "
		"shown a second yellow card for a sliding tackle that, on that surface, "
		"he may have had no way to stop. Dunmore pressed for the rest of the "
		"game, and goalkeeper Tomás Aguilar made seven saves, the best of them "
		"a one-handed stop in stoppage time that he pushed onto the "
		"crossbar.\n\n"
		"> \"I didn't see it until the last second. I just put a hand up and "
		"hoped,\" Aguilar said afterward. \"In this weather, hope is a big part "
		"of goalkeeping.\"\n\n"
		"Mariners coach Renata Solberg defended her decision to keep two "
		"strikers on the field after the red card. \"If you sit back in that "
		"rain, the ball finds a way in eventually,\" she said. \"We wanted them "
		"to worry about us, too.\"\n\n"
		"The Mariners finish the regular season at home against Harbor Bay "
		"Athletic on October 31, with kickoff at 2 p.m. The club says the field "
		"drains better than it looked on Saturday.",
	},
	[AR_BUDGET] = {
		"council-approves-city-budget",
		"Council approves $412 million budget after five-hour session",
		"The 7-4 vote raises the property tax rate by 2.5 percent, pays for the "
		"first phase of the Narrows seawall and restores library hours. "
		"Opponents called it a budget the city cannot afford.",
		AU_DUNNE, SE_CITY, "2026-10-22T23:10-04:00",
		{"City Council", "Budget", "Libraries", "Flooding"},
		"The Port Averill City Council approved a $412 million budget for the "
		"coming year shortly before 11 p.m. on Thursday, after a five-hour "
		"meeting in which more than sixty residents spoke and two amendments "
		"failed by a single vote.\n\n"
		"The budget, which passed 7-4, raises the property tax rate by 2.5 "
		"percent, about $96 a year for the owner of a median-priced home. It is "
		"the first increase in four years. Mayor Adaeze Whitcombe, who proposed "
		"it, said it was the minimum needed to keep services level while "
		"starting the city's most expensive flood protection work.\n\n"
		"The largest new item is $18 million for the first phase of the "
		"Narrows seawall, which will replace 900 feet of crumbling granite "
		"along Harbor Street that floods at the highest tides even in calm "
		"weather. The city hopes to pay for later phases with state and federal "
		"grants.\n\n"
		"Libraries also did well. The budget restores Sunday hours at the "
		"central library and four branches, including the newly reopened "
		"Saltmarsh Heights branch, and adds two children's librarians.\n\n"
		"The closest fight of the night was over the Narrows ferry. An "
		"amendment from Councilor Desmond Reyes to restore the full $610,000 "
		"needed to keep the late sailings failed 5-6. A compromise adding "
		"$300,000 for a late boat on weeknights only then passed 6-5. The Port "
		"Authority said on Friday that it would study whether that is "
		"enough.\n\n"
		"> \"We are asking people to pay more, and I don't take that "
		"lightly,\" Council President Harriet Lindgren said before the vote. "
		"\"But the water doesn't care about our tax rate. Every year we wait, "
		"that seawall costs more and the next storm gets closer.\"\n\n"
		"Councilor Bernard Quigley, who voted against, said the city had not "
		"looked hard enough for savings before asking for more money. \"This "
		"budget assumes our residents' pockets are as deep as the new shipping "
		"channel,\" he said.\n\n"
		"The budget takes effect on January 1.",
	},
	[AR_COLUMN] = {
		"second-reading-budget-promises",
		"Second Reading: A budget is a list of promises. Read the footnotes",
		"The council's vote made the headlines. The details that will decide "
		"whether it works are on page 212.",
		AU_DUNNE, SE_OPINION, "2026-10-25T07:00-04:00",
		{"City Council", "Budget", "Ferry"},
		"Every year, on the night the council votes on the budget, I sit in the "
		"third row of the chamber with the document on my knees. This year it "
		"ran to 384 pages. By eleven o'clock on Thursday, most of the people who "
		"had come to speak had gone home, the coffee urn was empty, and the "
		"council was arguing about a ferry.\n\n"
		"I don't say that to mock anyone. The ferry argument mattered. For a "
		"nursing assistant who finishes her shift at ten, the difference "
		"between an eleven-minute crossing and a forty-five-minute bus ride is "
		"not a line item. It is an hour of her evening, every evening, and the "
		"council was right to take it seriously, even if its compromise, a late "
		"boat on weeknights only, leaves her on the bus on Saturdays.\n\n"
		"But the ferry, like the tax rate, is the part of a budget people can "
		"see. The parts that decide whether a budget keeps its promises are "
		"usually further back, in the footnotes and the capital plan, and they "
		"deserve as much attention.\n\n"
		"Take the seawall. The $18 million buys the first 900 feet. On page "
		"212, a footnote explains that the remaining 2,600 feet depend on "
		"grants the city has applied for but not received, and that without "
		"them the rest of the wall will wait \"until funding is identified.\" "
		"Anyone who lives on Harbor Street knows what that phrase has meant "
		"before.\n\n"
		"Or take the libraries. Restoring Sunday hours is good news, and the "
		"crowd on the steps at Saltmarsh Heights last month showed how much "
		"people want them. But the two new children's librarians are paid for "
		"one year only, with a one-time transfer from the city's reserves. "
		"Next October, someone will have to find that money again, or explain "
		"why not.\n\n"
		"None of this makes it a bad budget. It may be the best one this "
		"council could pass. But a budget is a list of promises, and the people "
		"who were promised something on Thursday deserve to know which promises "
		"were written in ink and which in pencil.\n\n"
		"The whole document is on the city's website and at every library "
		"branch. Page 212 is worth your time. So, if you have an evening, are "
		"the other 383.",
	},
};

/* ------------------------------------------------------------------ photos */

/* Each article's illustration (demo_photo.h): the scene painted, and the
** caption, alt text and credit stored with it. */
struct demo_photo {
	struct demo_scene scene; /* what is painted */
	const char *caption;     /* printed under the photo */
	const char *alt;         /* for readers who cannot see it */
};

#define DEMO_CREDIT "Illustration: Byline demo"

static const struct demo_photo demo_photos[N_ARTICLES] = {
	[AR_MARSH] = {{0x7fb3d9, 0xf3e3b8, 0x3f6b5a, 0xfff1c4, 0.78, 0.30, 0.55, 1, 1, 0, 0, 0, 0, 1, 11},
	              "Cordgrass at low water on the restored Kestrel Point marsh.",
	              "Reeds in the foreground of a tidal marsh under a pale morning sky."},
	[AR_BAKERY] = {{0x5a2e1b, 0xf0a45b, 0x6b3a22, 0xffd27a, 0.25, 0.42, 0.62, 0, 0, 1, 0, 0, 0, 0, 23},
	               "Fennick Street before dawn, when the cooperative's ovens are lit.",
	               "A row of shopfronts with lit windows against an orange dawn sky."},
	[AR_JAZZ] = {{0x0d1030, 0x6a3c7a, 0x1b1533, 0xf5e6b0, 0.82, 0.18, 0.66, 1, 0, 1, 0, 0, 0, 0, 37},
	             "The quay on the festival's opening night.",
	             "A city waterfront at night under a full moon, windows lit."},
	[AR_DREDGING] = {{0x9fb8c8, 0xdfe4e0, 0x35536b, 0xffffff, 0.15, 0.25, 0.5, 1, 1, 1, 0, 0, 0, 0, 41},
	                 "The main channel off the container terminal.",
	                 "A grey harbor with the city's skyline across the water."},
	[AR_ROWING] = {{0x4f8fcf, 0xcfe7f5, 0x2d5f86, 0xfff6d0, 0.7, 0.2, 0.52, 1, 1, 0, 0, 0, 0, 0, 53},
	               "Calm water on the Sound, where the Merrow Cup is rowed.",
	               "Open water under a clear blue sky, hills on the far shore."},
	[AR_LIBRARY] = {{0x8ec5e8, 0xf6efe0, 0x8a8478, 0xffffff, 0.2, 0.2, 0.72, 0, 0, 2, 0, 0, 0, 0, 61},
	                "The restored Saltmarsh Heights branch library.",
	                "A domed civic building with columns among lower buildings."},
	[AR_FERRY] = {{0x2c3e66, 0xf29a6b, 0x263a55, 0xffc98a, 0.8, 0.4, 0.5, 1, 1, 1, 1, 0, 0, 0, 71},
	              "The Narrows ferry on an evening crossing.",
	              "A white ferry crossing the water at sunset, the city behind."},
	[AR_ROBOTICS] = {{0x1f3b57, 0x4f86a8, 0x20303f, 0, 0, 0, 0.7, 0, 0, 1, 0, 0, 0, 0, 83},
	                 "Kestrel Point High, where the team builds in the evenings.",
	                 "Blocks of buildings with lit windows against a blue dusk."},
	[AR_STORM] = {{0x3a4450, 0x8d99a6, 0x2f3d48, 0, 0, 0, 0.55, 1, 1, 1, 0, 1, 0, 0, 97},
	              "Rain over the harbor as a nor'easter comes in.",
	              "Dark clouds and heavy rain over grey water and the city."},
	[AR_SOCCER] = {{0x55606b, 0xa9b3bb, 0x2f7a3a, 0, 0, 0, 0.38, 0, 0, 0, 0, 1, 1, 0, 101},
	               "The pitch at Dunmore Park after the rain.",
	               "A wet football pitch with white lines and a ball."},
	[AR_BUDGET] = {{0xb6d3ea, 0xfbf3e4, 0x6f6a62, 0xffffff, 0.85, 0.15, 0.7, 0, 0, 2, 0, 0, 0, 0, 113},
	               "City Hall, where the council met until after eleven.",
	               "A domed city hall in bright daylight among other buildings."},
	[AR_COLUMN] = {{0x27415e, 0xe7b48a, 0x33475c, 0xffe0a8, 0.3, 0.35, 0.58, 1, 1, 1, 0, 0, 0, 0, 127},
	               "Port Averill from across the Sound.",
	               "The city across the water at sunrise, hills behind it."},
};

static const char sql_photo_use[] =
    "UPDATE articles SET featured_media_id = ?2, featured_alt = ?3 WHERE id = ?1";
static const char sql_photo_text[] =
    "UPDATE media SET title = ?2, caption = ?3, credit = ?4, alt = ?5,"
    " original_name = ?6 WHERE id = ?1";

/* Paints, stores (media_store(), as an upload) and describes each article's
** photo; ids[i] gets its media id. */
static int demo_put_photos(struct db *db, struct arena *a, const char *data_dir,
                           long long *ids, char *err, size_t errlen)
{
	for (int i = 0; i < N_ARTICLES; i++) {
		const struct demo_photo *ph = &demo_photos[i];
		void *jpeg = NULL;
		size_t len = 0;
		if (demo_photo_jpeg(&ph->scene, 1200, 800, &jpeg, &len) != 0) {
			snprintf(err, errlen, "demo: cannot draw the photo of %s", demo_articles[i].slug);
			return -1;
		}
		struct media m;
		char why[256];
		ids[i] = media_store(db, a, data_dir, jpeg, len, 64u << 20, 0, &m, why, sizeof why);
		demo_photo_free(jpeg);
		if (ids[i] < 0) {
			snprintf(err, errlen, "demo: the photo of %s: %s", demo_articles[i].slug, why);
			return -1;
		}
		struct db_stmt *st = db_prepare(db, sql_photo_text);
		db_bind_int(st, 1, ids[i]);
		db_bind_text(st, 2, demo_articles[i].headline);
		db_bind_text(st, 3, ph->caption);
		db_bind_text(st, 4, DEMO_CREDIT);
		db_bind_text(st, 5, ph->alt);
		db_bind_text(st, 6, arena_printf(a, "%s.jpg", demo_articles[i].slug));
		int rc = db_step(st);
		db_done(st);
		if (rc != DB_OK) {
			snprintf(err, errlen, "demo: cannot describe a photo: %s", db_errmsg(db));
			return -1;
		}
	}
	/* Their srcset variants now, not in the server's background: a new
	** site's pages do not change under their first readers. */
	if (media_make_variants(db, a, data_dir, N_ARTICLES) < 0) {
		snprintf(err, errlen, "demo: cannot make the photos' variants: %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- comments */

/* Replies name their parent by its index in demo_comments[], which must be
** smaller than their own: comments are added in table order, and a reply
** needs its parent's id.  NO_PARENT marks a top-level comment. */
#define NO_PARENT (-1)

struct demo_comment {
	enum demo_article_ix article; /* the article it is on */
	int parent;                   /* index in demo_comments[], or NO_PARENT */
	const char *name;             /* as typed */
	const char *email;            /* fictional, example.com/.org/.net */
	const char *url;              /* "" or an http(s) URL on an example domain */
	const char *ip;               /* from the RFC 5737 documentation ranges */
	enum comment_status status;   /* approved or pending */
	const char *created;          /* after the article's date */
	const char *body;             /* Markdown as a reader would type it */
};

static const struct demo_comment demo_comments[] = {
	/* 0 */ {
		AR_BAKERY, NO_PARENT, "Jonah Prescott", "jonah.prescott@example.net",
		"https://www.example.net/jonah-eats", "198.51.100.23", COMMENT_APPROVED,
		"2026-08-21T12:10-04:00",
		"Korn's cardamom buns are reason enough to get up early on a Saturday. "
		"Really glad they found a way to keep going. **Support your local "
		"bakers**, people.",
	},
	/* 1 */ {
		AR_BAKERY, NO_PARENT, "Sue-Ellen Park", "sueellen.park@example.com", "",
		"203.0.113.41", COMMENT_APPROVED, "2026-08-22T08:05-04:00",
		"Good luck to them with the loading zone. I watched that van circle the "
		"block three times on Thursday morning.",
	},
	/* 2 */ {
		AR_JAZZ, NO_PARENT, "Leo Marchand", "leo.marchand@example.org",
		"https://www.example.org/leo-plays-bass", "192.0.2.77", COMMENT_APPROVED,
		"2026-08-31T09:02-04:00",
		"I was on the Custom House steps on Friday night. Those kids played the "
		"same blues three times and it got *better* every time. Best forty "
		"minutes of music I've heard all year.",
	},
	/* 3 */ {
		AR_LIBRARY, NO_PARENT, "Agnes Whitfield", "agnes.whitfield@example.net",
		"", "203.0.113.8", COMMENT_APPROVED, "2026-09-19T16:20-04:00",
		"I was fourth in line! My granddaughter returned a picture book that had "
		"been overdue since 2024, and instead of a fine the librarian gave her "
		"a sticker. The reading room looks *exactly* as I remember it from "
		"1962.",
	},
	/* 4 */ {
		AR_LIBRARY, 3, "Rosalind Achebe-Moore", "rosalind.am@example.org",
		"https://www.example.org/saltmarsh-heights-library", "198.51.100.140",
		COMMENT_APPROVED, "2026-09-20T09:15-04:00",
		"Thank you, Agnes. It was lovely to see so many familiar faces. For the "
		"record, the sticker supply held out until about noon.",
	},
	/* 5 */ {
		AR_FERRY, NO_PARENT, "Tomas Ruane", "tomas.ruane@example.com", "",
		"192.0.2.15", COMMENT_APPROVED, "2026-09-28T14:05-04:00",
		"I ride the 7:10 every morning and it's standing room only by the time "
		"we leave the Landing, so more early boats are welcome. But cutting the "
		"late ones to pay for them feels like robbing Peter to pay Paul.",
	},
	/* 6 */ {
		AR_FERRY, 5, "Mina Kowalczyk", "mina.k@example.org",
		"https://www.example.com/mina-kitchen", "198.51.100.62", COMMENT_APPROVED,
		"2026-09-28T19:50-04:00",
		"Exactly this. Half my restaurant's kitchen staff live in the Narrows. "
		"If the 10:40 goes, I either send people home early or pay for taxis, "
		"and I can't afford to do *either* all winter.",
	},
	/* 7 */ {
		AR_FERRY, NO_PARENT, "Pat Hennessy", "pat.hennessy@example.net", "",
		"203.0.113.199", COMMENT_PENDING, "2026-09-29T06:31-04:00",
		"The Authority's own counts say otherwise: "
		"https://www.example.org/ferry-counts-2025 and "
		"https://www.example.org/ferry-counts-2026 show the late boats carry "
		"way more than thirty people in summer. Why only quote the winter "
		"numbers?",
	},
	/* 8 */ {
		AR_ROBOTICS, NO_PARENT, "Ruth Calloway", "ruth.calloway@example.com", "",
		"192.0.2.120", COMMENT_APPROVED, "2026-10-09T20:10-04:00",
		"Go Barnacle! My nephew is on this team and hasn't talked about "
		"anything else since August. So proud of these kids.",
	},
	/* 9 */ {
		AR_ROBOTICS, NO_PARENT, "Sam Okoro", "sam.okoro@example.org", "",
		"198.51.100.7", COMMENT_PENDING, "2026-10-10T11:00-04:00",
		"Is there a way to donate online? I moved away from Kestrel Point years "
		"ago but would love to help the team get to the nationals.",
	},
	/* 10 */ {
		AR_STORM, NO_PARENT, "Marcus Oduya", "marcus.oduya@example.com", "",
		"203.0.113.54", COMMENT_APPROVED, "2026-10-14T10:30-04:00",
		"Number 3 is underrated. Our whole street flooded last winter because "
		"of one clogged drain. The city's [adopt-a-drain "
		"map](https://www.example.org/adopt-a-drain) lets you claim the one on "
		"your corner.",
	},
	/* 11 */ {
		AR_STORM, 10, "Holly Brennan", "holly.brennan@example.net", "",
		"192.0.2.201", COMMENT_APPROVED, "2026-10-14T13:45-04:00",
		"Adopted ours this morning. It has a name now. (Dennis.)",
	},
	/* 12: the budget thread, four levels deep (12 > 13 > 14 > 15) */ {
		AR_BUDGET, NO_PARENT, "Harold Penhallow", "harold.penhallow@example.net",
		"", "198.51.100.88", COMMENT_APPROVED, "2026-10-23T07:12-04:00",
		"I've lived on Harbor Street for thirty-one years and the water has "
		"come over that wall four times since March. Glad to see the seawall "
		"money at last, even if $96 a year stings.",
	},
	/* 13 */ {
		AR_BUDGET, 12, "Dee Santangelo", "dee.santangelo@example.org",
		"https://www.example.org/dee-draws-the-harbor", "203.0.113.17",
		COMMENT_APPROVED, "2026-10-23T08:40-04:00",
		"Harold, it's only the *first* 900 feet, though. The rest of the wall "
		"depends on grants the city hasn't got. I'll believe it when I see a "
		"crane.",
	},
	/* 14 */ {
		AR_BUDGET, 13, "Harold Penhallow", "harold.penhallow@example.net", "",
		"198.51.100.88", COMMENT_APPROVED, "2026-10-23T09:05-04:00",
		"Fair point, Dee. Still, 900 feet is 900 more than we had last year. My "
		"basement will take what it can get.",
	},
	/* 15 */ {
		AR_BUDGET, 14, "Wen Ashby", "wen.ashby@example.com",
		"https://www.example.net/wen-ashby", "192.0.2.33", COMMENT_APPROVED,
		"2026-10-23T12:30-04:00",
		"For what it's worth, I've photographed every king tide on Harbor "
		"Street since 2023, block by block, and the worst stretch is exactly "
		"the first phase. [My flood log is "
		"here](https://www.example.net/wen-ashby/flood-log) if anyone on the "
		"council wants it.",
	},
	/* 16 */ {
		AR_BUDGET, NO_PARENT, "Bernadette Lowry", "b.lowry@example.com", "",
		"203.0.113.92", COMMENT_APPROVED, "2026-10-23T18:45-04:00",
		"Sunday hours back at the library is the best news in this whole "
		"budget. My kids will be _thrilled_, and so will I.",
	},
	/* 17 */ {
		AR_BUDGET, NO_PARENT, "Gary Tolland", "gary.tolland@example.net", "",
		"192.0.2.250", COMMENT_PENDING, "2026-10-24T02:17-04:00",
		"Council votes itself a bigger budget while the rest of us tighten our "
		"belts. Typical. Somebody should ask who gets the seawall contracts.",
	},
	/* 18 */ {
		AR_COLUMN, NO_PARENT, "Walter Engstrom", "walter.engstrom@example.org",
		"", "198.51.100.201", COMMENT_APPROVED, "2026-10-25T11:20-04:00",
		"Ink and pencil, exactly right. The Friends of the library will be at "
		"the council next October asking about those two librarians. We "
		"intend to bring an eraser of our own.",
	},
};

#define N_COMMENTS (sizeof demo_comments / sizeof *demo_comments)

/* --------------------------------------------------------------- functions */

int demo_is_empty(struct db *db)
{
	struct db_stmt *st = db_prepare(db, sql_counts);
	int is_empty = 0;
	if (st && db_step(st) == DB_ROW)
		is_empty = db_col_int(st, 0) == 0 && db_col_int(st, 1) == 0;
	if (st)
		db_done(st);
	return is_empty;
}

/* Parses one of the tables' dates into *out and checks that it is before the
** cutoff.  0, or -1 with err naming `what`. */
static int demo_time(const char *s, const char *what, time_t *out, char *err,
                     size_t errlen)
{
	time_t cutoff;
	if (text_parse_date(demo_cutoff, &cutoff) != 0 || text_parse_date(s, out) != 0) {
		snprintf(err, errlen, "demo: cannot read the date '%s' of %s", s, what);
		return -1;
	}
	if (*out >= cutoff) {
		snprintf(err, errlen, "demo: %s is dated %s, after the demo's cutoff %s",
		         what, s, demo_cutoff);
		return -1;
	}
	return 0;
}

static int demo_put_settings(struct db *db, char *err, size_t errlen)
{
	char why[256];
	for (size_t i = 0; i < sizeof demo_settings / sizeof *demo_settings; i++) {
		const struct demo_setting *s = &demo_settings[i];
		if (settings_set(db, s->key, s->value, why, sizeof why) != 0) {
			snprintf(err, errlen, "demo: setting %s: %s", s->key, why);
			return -1;
		}
	}
	return 0;
}

static int demo_put_authors(struct db *db, long long *ids, char *err, size_t errlen)
{
	for (int i = 0; i < N_AUTHORS; i++) {
		const struct demo_author *au = &demo_authors[i];
		ids[i] = author_create(db, au->name, au->slug, au->bio, "", au->role,
		                       au->email);
		if (ids[i] < 0) {
			snprintf(err, errlen, "demo: cannot create author %s: %s", au->name,
			         db_errmsg(db));
			return -1;
		}
	}
	return 0;
}

/* Creates the sections in the table's order, so that an empty section (if a
** later edit leaves one) still appears and ids follow the masthead order. */
static int demo_put_sections(struct db *db, struct arena *a, long long *ids,
                             char *err, size_t errlen)
{
	for (int i = 0; i < N_SECTIONS; i++) {
		ids[i] = section_ensure(db, a, demo_sections[i]);
		if (ids[i] < 0) {
			snprintf(err, errlen, "demo: cannot create section %s: %s",
			         demo_sections[i], db_errmsg(db));
			return -1;
		}
	}
	return 0;
}

/* Creates the articles, each in its own transaction (article_create's), and
** records their ids and publication times for the comments. */
static int demo_put_articles(struct db *db, struct arena *a, const long long *author_ids,
                             const long long *section_ids, const long long *photo_ids,
                             long long *ids,
                             time_t *published, char *err, size_t errlen)
{
	char why[256];
	for (int i = 0; i < N_ARTICLES; i++) {
		const struct demo_article *ar = &demo_articles[i];
		const char *what = arena_printf(a, "article %s", ar->slug);
		if (demo_time(ar->published, what, &published[i], err, errlen) != 0)
			return -1;
		size_t n_tags = 0;
		while (n_tags < MAX_DEMO_TAGS && ar->tags[n_tags])
			n_tags++;
		struct article_input in = {
			.headline = ar->headline,
			.slug = ar->slug,
			.dek = ar->dek,
			.body_src = ar->body,
			.status = ARTICLE_PUBLISHED,
			.published_at = (long long)published[i],
			.author_id = author_ids[ar->author],
			.section_id = section_ids[ar->section],
			.tags = ar->tags,
			.n_tags = n_tags,
		};
		ids[i] = article_create(db, a, &in, why, sizeof why);
		if (ids[i] < 0) {
			snprintf(err, errlen, "demo: %s: %s", what, why);
			return -1;
		}
		if (photo_ids) { /* article_create() takes no image: as the editor adds one */
			struct db_stmt *st = db_prepare(db, sql_photo_use);
			db_bind_int(st, 1, ids[i]);
			db_bind_int(st, 2, photo_ids[i]);
			db_bind_text(st, 3, demo_photos[i].alt);
			int rc = db_step(st);
			db_done(st);
			if (rc != DB_OK) {
				snprintf(err, errlen, "demo: %s: cannot add its photo", what);
				return -1;
			}
		}
	}
	return 0;
}

/* Checks that comment i can exist as written: after its article, and, if a
** reply, after an earlier approved comment on the same article.  0 or -1. */
static int demo_check_comment(size_t i, time_t at, const time_t *article_at,
                              const time_t *comment_at, char *err, size_t errlen)
{
	const struct demo_comment *c = &demo_comments[i];
	if (at <= article_at[c->article]) {
		snprintf(err, errlen, "demo: comment %zu is older than its article", i);
		return -1;
	}
	if (c->parent == NO_PARENT)
		return 0;
	if (c->parent < 0 || (size_t)c->parent >= i) {
		snprintf(err, errlen, "demo: comment %zu replies to a later comment", i);
		return -1;
	}
	const struct demo_comment *p = &demo_comments[c->parent];
	if (p->article != c->article || p->status != COMMENT_APPROVED ||
	    at <= comment_at[c->parent]) {
		snprintf(err, errlen, "demo: comment %zu replies to comment %d, which is "
		         "on another article, not approved, or newer", i, c->parent);
		return -1;
	}
	return 0;
}

static int demo_put_comments(struct db *db, struct arena *a, const long long *article_ids,
                             const time_t *article_at, char *err, size_t errlen)
{
	long long ids[N_COMMENTS];
	time_t at[N_COMMENTS];
	char why[256];
	for (size_t i = 0; i < N_COMMENTS; i++) {
		const struct demo_comment *c = &demo_comments[i];
		const char *what = arena_printf(a, "comment %zu", i);
		if (demo_time(c->created, what, &at[i], err, errlen) != 0 ||
		    demo_check_comment(i, at[i], article_at, at, err, errlen) != 0)
			return -1;
		struct comment_input in = {
			.article_id = article_ids[c->article],
			.parent_id = c->parent == NO_PARENT ? 0 : ids[c->parent],
			.author_name = c->name,
			.author_email = c->email,
			.author_url = c->url,
			.body = c->body,
			.ip = c->ip,
			.user_agent = "Mozilla/5.0 (Byline demo)",
			.status = c->status,
			.created_at = (long long)at[i],
		};
		ids[i] = comment_add(db, &in, why, sizeof why);
		if (ids[i] < 0) {
			snprintf(err, errlen, "demo: %s by %s: %s", what, c->name, why);
			return -1;
		}
	}
	return 0;
}

int demo_create(struct db *db, const char *data_dir, char *err, size_t errlen)
{
	if (!demo_is_empty(db)) {
		snprintf(err, errlen, "the database already has articles or users; the "
		         "demo is only added to a new site");
		return -1;
	}
	struct arena *a = arena_new();
	long long author_ids[N_AUTHORS], section_ids[N_SECTIONS];
	long long article_ids[N_ARTICLES], photo_ids[N_ARTICLES];
	time_t article_at[N_ARTICLES];
	int rc = -1;

	if (demo_put_settings(db, err, errlen) != 0 ||
	    demo_put_authors(db, author_ids, err, errlen) != 0 ||
	    demo_put_sections(db, a, section_ids, err, errlen) != 0 ||
	    (data_dir && demo_put_photos(db, a, data_dir, photo_ids, err, errlen) != 0) ||
	    demo_put_articles(db, a, author_ids, section_ids, data_dir ? photo_ids : NULL,
	                      article_ids, article_at, err, errlen) != 0 ||
	    demo_put_comments(db, a, article_ids, article_at, err, errlen) != 0)
		goto fail;
	rc = 0;
fail:
	arena_free(a);
	return rc;
}
