"""The Harbour Light's reporting: every demo article, and the updates on its live story.

All of it is invented, like Porthaven itself: any likeness to a real person, business or
publication is a coincidence. Bodies are the Markdown an editor would type into the admin.
"""

from masthead.newsroom.demo.content import STORM_ART, ArticleSpec, LiveUpdateSpec, md

ARTICLES: tuple[ArticleSpec, ...] = (
    ArticleSpec(
        slug="council-backs-harbour-flood-barrier",
        section="city-hall",
        headline="Council backs £14m harbour flood barrier, but a third of the money is still missing",
        standfirst=(
            "Councillors voted 38 to 9 for tidal gates across the inner harbour mouth. The city has found "
            "£9.2m of the cost; the rest depends on a national grant that has been refused once before."
        ),
        authors=("daniel-achterberg", "priya-raman"),
        tags=("Flooding", "Harbour", "Council budget"),
        hours_ago=30,
        is_top_story=True,
        body=md(
            """
            Porthaven City Council has voted to build a tidal flood barrier across the mouth of the inner
            harbour, ending four years of argument about how to protect the Quayside and the Old Town from
            the sea. The scheme, a pair of steel gates that would swing shut whenever a surge is forecast,
            was approved by 38 votes to 9 at a full council meeting that ran past eleven at night.

            The barrier is expected to cost £14.1m. The council says it can cover £9.2m from borrowing,
            harbour dues and a contribution from Alder Water, whose pumping station on the Quayside flooded
            twice last winter. The remaining £4.9m depends on a bid to the national coastal resilience fund,
            which turned down an earlier version of the plan three years ago.

            ## Why now

            The Quayside has flooded eleven times in the past decade, according to figures the council's own
            engineers presented to the meeting, compared with three times in the decade before. Each time
            the water comes the same way: over the harbour wall at the top of a spring tide, pushed by a
            southerly gale.

            > "We are not debating whether the sea is coming. We are debating whether we pay for it once,
            > now, or every winter for the next thirty years," said Cllr Helen Marsh, the council leader,
            > opening the debate.

            Opponents did not dispute the flooding. Cllr Owen Tallack, who leads the opposition Civic
            Alliance group, argued that the borrowing would squeeze services for a decade and that the
            barrier protects commercial property on the Quayside more than homes on the Saltmarsh estate,
            where flooding comes from the river and the drains rather than the sea. "A barrier at the
            harbour mouth does nothing for a family in Marsh Lane whose kitchen fills up from the drains,"
            he said.

            Engineers told councillors that construction could start next year if the grant is approved, and
            would take about two years. Until then the city will keep relying on the demountable flood gates
            along the Quayside, which council crews bolt into place by hand when a surge is forecast. A
            decision on the grant is expected in the autumn.
            """
        ),
    ),
    ArticleSpec(
        slug="council-tax-rise-budget",
        section="city-hall",
        headline="Council tax to rise by 4.99% as Porthaven closes a £6m gap",
        standfirst=(
            "The budget protects weekly bin collections and the Skerrow ferry subsidy for another year, "
            "but cuts library hours, raises parking charges and freezes hiring at City Hall."
        ),
        authors=("daniel-achterberg",),
        tags=("Council budget",),
        hours_ago=140,
        body=md(
            """
            A Band D household in Porthaven will pay £94 more in council tax next year after councillors
            approved the largest rise allowed without a local referendum. The increase of 4.99% will raise
            about £3.1m. The rest of a £6.2m shortfall will be met from reserves and a list of savings that
            opposition councillors called "death by a thousand cuts".

            Cllr Bryony Keast, the cabinet member for finance, said the council had "run out of easy
            options" after three years in which the cost of adult social care and temporary accommodation
            rose faster than its income. Social care now takes 41p of every pound the council spends, up
            from 33p five years ago.

            ## What changes

            - Parking on the Quayside and at Harbour Beach goes up by 20p an hour, and evening charges until
              8pm are introduced in the summer.
            - The branch libraries in Northgate and Eastcliff close on Mondays. The central library on
              Chapel Street is not affected.
            - Garden waste collection goes up from £48 to £56 a year.
            - Hiring is frozen at City Hall, except for social workers and planning officers.
            - The Skerrow ferry subsidy stays at last year's level, but will be reviewed before next year's
              budget.

            Councillors rejected an amendment from the Civic Alliance group that would have kept the branch
            libraries open by cutting the council's communications budget, which it said had grown by a
            third in four years. Cllr Keast said the figure included the cost of emergency flood warnings
            and could not safely be cut.

            The budget passed by 31 votes to 14, with two abstentions. The shares for the police and fire
            authorities, and for town and parish councils, will be added to bills when they are set next
            month.
            """
        ),
    ),
    ArticleSpec(
        slug="northgate-by-election-result",
        section="city-hall",
        headline="Civic Alliance takes the Northgate by-election on a turnout of 23%",
        standfirst=(
            "Ana Correia won the seat by 212 votes after a campaign dominated by potholes, the bus station "
            "and the closure of the Northgate health centre."
        ),
        authors=("daniel-achterberg",),
        tags=("Elections",),
        hours_ago=260,
        body=md(
            """
            The Civic Alliance has won the Northgate ward by-election, taking a seat the ruling Porthaven
            First group had held for twelve years. Ana Correia, a pharmacist who has lived in the ward for
            most of her life, received 1,184 votes to 972 for Porthaven First's Gareth Lowry. The Green
            candidate was third with 341, and an independent received 88.

            Turnout was 23.4%, low even by by-election standards, and the count at the Guildhall was over
            well before midnight. The by-election was called after the death of Cllr Maureen Pascoe, who had
            represented Northgate for a decade and was remembered warmly by candidates of every party on the
            night.

            Ms Correia said the result was "a message about the things people see every day": the state of
            the roads, the closure of the Northgate health centre, whose services moved to the city centre
            last year, and the bus station, which has been shut for repairs for months.

            > "People are not asking for miracles. They are asking for the bus station to reopen and for
            > someone at the council to answer the phone," she said after the declaration.

            The result does not change control of the council. Porthaven First still holds 27 of the 47
            seats, the Civic Alliance now has 14, and the other six are held by Greens and independents. But
            it narrows the ruling group's majority ahead of the full council elections next May, and its
            leader, Cllr Helen Marsh, said her party would "listen hard" to Northgate.
            """
        ),
    ),
    ArticleSpec(
        slug="councillors-expenses-published",
        section="city-hall",
        headline="What Porthaven's councillors claimed in expenses last year, and why three claimed nothing",
        standfirst=(
            "We went through 47 councillors' claims line by line. Most claimed little beyond their "
            "allowance; a handful account for more than half of all travel costs."
        ),
        authors=("ifeoma-nwosu", "daniel-achterberg"),
        tags=("Transparency", "Data"),
        hours_ago=380,
        body=md(
            """
            Porthaven's 47 councillors received a total of £612,400 in allowances and expenses in the last
            financial year, according to figures the council publishes every summer and which the Harbour
            Light has examined line by line. Almost all of it, £561,000, is the basic allowance every
            councillor receives and the extra allowances paid to those with additional jobs, such as
            chairing a committee.

            The remaining £51,400 is expenses that councillors chose to claim: travel, childcare and caring
            costs, and subsistence at conferences. That is where the differences between them show.

            ## The figures

            - Six councillors account for 54% of all travel claims. Four of them represent the rural wards
              east of the river, where a round trip to City Hall can be thirty miles.
            - Nine councillors claimed for childcare or caring costs while attending meetings, a total of
              £7,900. The allowance was introduced three years ago to help people with young children stand
              for election.
            - The most expensive single item was £1,240 for two councillors to attend a national ports and
              harbours conference.
            - Three councillors claimed nothing at all beyond their basic allowance.

            One of the three, Cllr Jenna Rowe, said she walked or cycled to meetings and "never thought to
            claim for a cup of tea". Another said he had simply not got round to filling in the forms.

            The councillor with the largest travel claim, Cllr Peter Vosper of Tregarn ward, said the
            figures reflected geography rather than extravagance. "My ward has no bus after six in the
            evening. If the council wants rural councillors, it has to pay for us to get here," he said.

            Allowances are set on the advice of an independent remuneration panel, which will review them in
            the autumn. The council publishes the full list of claims on its website, and we will share our
            spreadsheet with any reader who asks for it.
            """
        ),
    ),
    ArticleSpec(
        slug="quayside-toilets-to-reopen",
        section="city-hall",
        headline="Quayside public toilets to reopen after a reader's petition",
        standfirst=(
            'The toilets closed "temporarily" two years ago. A petition started by a retired bus driver '
            "gathered 2,300 signatures in a month."
        ),
        authors=("ruth-abernethy",),
        tags=("Quayside", "Accessibility"),
        hours_ago=90,
        body=md(
            """
            The public toilets on the Quayside will reopen in time for the summer, the council has
            confirmed, two years after they were closed for what was described at the time as a temporary
            repair.

            The decision follows a petition started by Len Harvey, a retired bus driver from Eastcliff, who
            wrote to the Harbour Light after his wife, who has Crohn's disease, stopped coming into town.
            "If you don't know there's a toilet, you don't go out. It's as simple as that," he said. The
            petition gathered 2,300 signatures in a month.

            The council said repairs to the block's drains would cost £38,000 and would come from the
            harbour maintenance budget. The toilets will open from 7am to 7pm, with an attendant during the
            school summer holidays, and will include a Changing Places room with a hoist and an adult-sized
            changing bench.

            Mr Harvey said he was "chuffed, and slightly amazed". He has already started a second petition,
            for more benches along the Strand.
            """
        ),
    ),
    ArticleSpec(
        slug="skerrow-ferry-subsidy-review",
        section="city-hall",
        headline="Council orders a review of the Skerrow ferry subsidy as fares rise again",
        standfirst=(
            "Islanders say a return ticket now costs more than a week's bus pass. The council says its "
            "£1.3m subsidy cannot keep growing."
        ),
        authors=("daniel-achterberg",),
        tags=("Skerrow ferry", "Council budget"),
        hours_ago=200,
        body=md(
            """
            The council is to review how much it pays to keep the Skerrow ferry running, after the operator
            asked for a 15% increase in its annual subsidy and raised fares for the second time in eighteen
            months.

            Skerrow Island Ferries, which is owned by the Porthaven Harbour Trust and runs two boats between
            the Quayside and the island, receives £1.3m a year from the council. It says fuel, insurance and
            crew costs have risen faster than passenger numbers, which have never recovered to their level
            of five years ago.

            A standard adult return now costs £14.60. Islanders with a resident's card pay £6.20, up from
            £5.40. For the island's 380 year-round residents, the ferry is the only way to reach the
            secondary school, the hospital and the supermarket.

            > "This isn't a tourist boat for us. It's the school bus, the ambulance and the weekly shop,"
            > said Mairi Trenoweth, who chairs the Skerrow Residents' Association. "Every time the fare goes
            > up, another family decides it's time to move to the mainland."

            The review, to be carried out by council officers with the harbour trust, will look at the
            timetable, fares and the cost of replacing the older of the two boats, the MV Tern, which is 31
            years old. It will report before next year's budget. Cllr Bryony Keast, the cabinet member for
            finance, said there was "no plan to cut the service", but that the council needed "a sustainable
            deal, not a bigger cheque every year".
            """
        ),
    ),
    ArticleSpec(
        slug="saltmarsh-estate-damp-survey",
        section="housing",
        headline="One in three Saltmarsh homes has damp or mould, the council's own survey finds",
        standfirst=(
            "The survey of 612 council homes was finished in the spring but never published. Tenants say "
            "they have been reporting the same problems for years."
        ),
        authors=("ifeoma-nwosu",),
        tags=("Housing", "Saltmarsh estate", "Data"),
        hours_ago=50,
        is_top_story=True,
        body=md(
            """
            A third of the council homes on the Saltmarsh estate have damp or mould serious enough to need
            repair, according to a survey commissioned by Porthaven City Council and seen by the Harbour
            Light.

            The survey, carried out by an independent building surveyor, inspected 612 of the estate's 740
            homes. It found damp or mould in 208 of them, and classed 41 as "category 1" hazards, the most
            serious level, which a landlord is expected to fix quickly. The report was delivered to the
            council in the spring. It has not been published or discussed at any council meeting.

            ## "We've reported it every winter"

            The Saltmarsh estate was built in the late 1960s on reclaimed land beside the Alder estuary. Its
            low-rise blocks sit barely above the high-tide line, and residents say damp has been a problem
            for as long as they can remember.

            > "The black mould comes back every winter. They send someone to paint over it with the special
            > paint, and a few months later it's back," said Kerry Penhaligon, who has lived in a
            > two-bedroom flat in Heron Court for nine years with her two sons. Her younger son has asthma.

            The survey's authors say most of the problems are caused by poor ventilation and by cold
            bridging through the concrete frames rather than by the way tenants live, a point residents have
            long made. It estimates that fixing the worst 41 homes would cost about £1.1m, and recommends a
            ten-year programme of insulation and ventilation work across the estate.

            Cllr Samir Haddad, the council's cabinet member for housing, said the survey had been
            commissioned "precisely so that we know the scale of the problem", and that the council would
            publish it with an action plan "within weeks". He said every home with a category 1 hazard had
            been visited.

            Tenants' representatives said they would believe it when they saw it. The Saltmarsh Residents'
            Association has called a public meeting at the community centre on Marsh Lane and invited Cllr
            Haddad to attend.
            """
        ),
    ),
    ArticleSpec(
        slug="wharf-road-warehouses-flats-plan",
        section="housing",
        headline="Old harbour warehouses could become 120 flats, with 12 of them affordable",
        standfirst=(
            "The developer says the cost of converting listed buildings rules out more. Housing "
            "campaigners point out that the city's own policy asks for 35%."
        ),
        authors=("ifeoma-nwosu",),
        tags=("Housing", "Planning", "Harbour"),
        hours_ago=170,
        body=md(
            """
            A developer has applied for permission to convert the three Victorian grain warehouses on Wharf
            Road into 120 flats, in what would be the largest housing scheme in Porthaven's city centre for
            a decade.

            Coastline Living bought the warehouses last year from the Porthaven Harbour Trust for £2.7m. Its
            plans include 58 one-bedroom flats, 52 two-bedroom flats and ten three-bedroom duplexes, with a
            café and a small gallery on the ground floor facing the harbour, and 40 parking spaces.

            Only 12 of the flats would be "affordable", let at 80% of the market rent. The council's
            planning policy asks for 35% affordable housing on large sites, but allows developers to offer
            less if they can show that more would make a scheme unviable.

            The viability report submitted with the application argues that the cost of converting listed
            buildings, and of raising the ground floors above the flood level predicted for the next
            century, leaves no room for more. Parts of it are redacted on grounds of commercial
            confidentiality.

            > "Every big scheme in this city comes with a viability report that says the same thing. And
            > every time, we end up with fewer homes that local people can afford," said Dee Carrick of
            > Porthaven Homes First, a housing campaign group.

            Coastline Living said in a statement that it was "proud to bring these beautiful buildings back
            to life" and that without a new use they would continue to decay. The council's planning
            committee is expected to decide on the application in the summer, and comments can be left on
            the planning portal until the end of next month.
            """
        ),
    ),
    ArticleSpec(
        slug="holiday-lets-register-first-year",
        section="housing",
        headline="Three Porthaven wards now have more holiday lets than homes for social rent",
        standfirst=(
            "The first year of the council's short-let register shows where the city's holiday homes are, "
            "and how fast their number is growing."
        ),
        authors=("ifeoma-nwosu",),
        tags=("Housing", "Tourism", "Data"),
        hours_ago=310,
        body=md(
            """
            There are more registered holiday lets than social rented homes in three of Porthaven's wards,
            according to the first full year of the council's register of short-term lets.

            The register, which owners of holiday lets have been required to join since last spring, lists
            1,486 properties across the city. Almost half are in four areas: the Old Town, the Quayside,
            Eastcliff and the island of Skerrow, where 61 of the 212 homes are now let to visitors.

            ## Where the holiday lets are

            - Old Town: 318 holiday lets, 204 social rented homes.
            - Quayside: 241 holiday lets, 187 social rented homes.
            - Skerrow: 61 holiday lets, 22 social rented homes.
            - Eastcliff: 96 holiday lets, 402 social rented homes.

            The council's housing waiting list has 3,912 households on it, and the average wait for a
            two-bedroom home is now more than four years. Officers estimate that the register still misses
            about one short let in ten, mostly rooms in homes whose owners live there.

            Not every holiday let belongs to a distant investor. A survey of owners carried out alongside
            the register found that 38% live in Porthaven, and many said the income paid their own mortgage.
            "I let the flat upstairs so that I can afford to stay in the house I grew up in," one Old Town
            owner told us.

            The council already charges double council tax on second homes. It has no power to cap the
            number of holiday lets, although the government has consulted on giving councils that power.
            Cllr Samir Haddad, the cabinet member for housing, said he would "use it the day it arrives".
            """
        ),
    ),
    ArticleSpec(
        slug="eastcliff-tenants-form-union",
        section="housing",
        headline="Eastcliff tenants form a union after rent rises of up to 18%",
        standfirst="More than 90 households renting from the same landlord signed up in its first month.",
        authors=("ruth-abernethy",),
        tags=("Housing", "Renting"),
        hours_ago=120,
        image=False,
        body=md(
            """
            Tenants in more than 90 homes in Eastcliff, all rented from the same landlord, have formed a
            union after being told that their rents would rise by between 12% and 18%.

            The homes, mostly terraced houses around Cliff Road and Lamorna Street, are owned by Redcliffe
            Residential, which bought a portfolio of about 140 properties in the area two years ago. Tenants
            say the letters announcing the increases all arrived in the same week, with a month's notice.

            > "Nobody's saying rents should never go up. But 18% in one go, on a house where the back
            > bedroom still leaks, is not something you can just absorb," said Sinéad Murray, a teaching
            > assistant who is the union's first secretary.

            The Eastcliff Tenants' Union has asked Redcliffe Residential to meet it and negotiate, and has
            written to every tenant in the portfolio explaining their right to challenge an increase at a
            tribunal. Redcliffe Residential did not respond to our questions.

            The union meets on the first Wednesday of every month at the Eastcliff Methodist hall. Ms Murray
            said renters elsewhere in the city had already asked how to set up their own.
            """
        ),
    ),
    ArticleSpec(
        slug="winter-shelter-to-close-early",
        section="housing",
        headline="Porthaven's night shelter to close four weeks early as volunteers run short",
        standfirst=(
            "The shelter at St Piran's church hall has given 24 people a bed every night this winter. Its "
            "organisers say it cannot stay open safely without more help."
        ),
        authors=("ruth-abernethy", "ifeoma-nwosu"),
        tags=("Housing", "Homelessness"),
        hours_ago=420,
        body=md(
            """
            The winter night shelter at St Piran's church hall will close four weeks earlier than planned,
            its organisers have said, because they no longer have enough volunteers to staff it safely.

            The shelter, run by a group of churches and the charity Harbour Homeless Action, has provided 24
            camp beds, an evening meal and breakfast every night since the start of winter. It needs at
            least four volunteers a night, two of them staying overnight. This year it has struggled to fill
            the overnight shifts, and on several nights its coordinator has slept there herself.

            The council's latest street count found 31 people sleeping rough in Porthaven, up from 19 the
            year before. Outreach workers say the true number is higher, because many people sleep in cars,
            in tents among the dunes or on friends' sofas.

            > "We have never had more guests, and never had fewer people able to give a night a week. A lot
            > of our volunteers were retired, and many of them have moved away or are now caring for someone
            > themselves," said Bev Kitto, the shelter's coordinator.

            The council said it would pay for emergency bed-and-breakfast places during any cold-weather
            alert after the shelter closes. Harbour Homeless Action is already recruiting volunteers for
            next winter, with training sessions in the autumn.
            """
        ),
    ),
    ArticleSpec(
        slug="live-storm-surge-porthaven-harbour",
        section="environment",
        headline="Live: Storm surge hits Porthaven, Quayside flood gates shut and Skerrow ferry cancelled",
        standfirst=(
            "A southerly gale and a spring tide have pushed the sea over the harbour wall. Follow the "
            "latest here: we update this page as we hear from the harbour master, the council and readers."
        ),
        authors=("priya-raman", "morwenna-tregear"),
        tags=("Flooding", "Weather", "Harbour"),
        hours_ago=6,
        is_top_story=True,
        is_live=True,
        art=STORM_ART,
        body=md(
            """
            A storm surge driven by a southerly gale has pushed sea water over the harbour wall in
            Porthaven, flooding parts of the Quayside and the Strand promenade. The council closed the
            demountable flood gates along the Quayside before high tide, and the Skerrow ferry has cancelled
            all sailings.

            The harbour master's office says the surge is running at about a metre above the predicted tide,
            the highest since the storm three winters ago. Gusts above 70 mph have been recorded at the
            Pengarth lookout.

            It comes a day after the council voted to build a tidal barrier across the harbour mouth, a
            scheme that could not be finished for at least three years even if its funding is found. For now
            the Quayside depends on the demountable gates that crews bolt into place by hand.

            ## What you need to know

            - Keep away from the Strand promenade, the harbour wall and Wharf Road until the council says
              they are safe.
            - A rest centre is open at St Piran's church hall for anyone who cannot stay at home.
            - Report flooding to homes or businesses through the council's emergency line or website, and do
              not walk or drive through flood water.
            - Skerrow Island Ferries will say whether it can sail on the next tide once the wind drops.

            Our reporters are on the Quayside and at the harbour office, and the latest updates are below,
            newest first. If you have photographs or information, email the newsdesk, but please do not put
            yourself at risk to get them.
            """
        ),
    ),
    ArticleSpec(
        slug="seagrass-planting-alder-estuary",
        section="environment",
        headline="Volunteers plant 40,000 seagrass seeds in the Alder estuary",
        standfirst=(
            "Seagrass meadows once covered much of the estuary. A three-year project hopes to bring back a "
            "hectare of them."
        ),
        authors=("priya-raman",),
        tags=("Wildlife", "Water quality"),
        hours_ago=75,
        body=md(
            """
            Wading in thigh-deep water at low tide, about sixty volunteers have planted 40,000 seagrass
            seeds in the Alder estuary, the largest planting yet in a project to restore the meadows that
            once stretched from Pengarth to the harbour mouth.

            The seeds were collected last summer from a surviving meadow off Skerrow, dried, and packed into
            small hessian bags of sediment that the volunteers pressed into the mud at a marked site
            opposite the Saltmarsh estate. About one seed in five is expected to germinate.

            Seagrass shelters young fish, including bass and pollock, and locks carbon into the seabed
            faster than most forests. It also binds the sediment, which can reduce erosion during storms.
            Old charts and fishermen's accounts suggest the estuary held several hectares of it before the
            1930s; today less than a tenth of a hectare is left.

            > "It's slow work, and most of what we plant won't make it. But the patch we planted two years
            > ago is now spreading by itself, and that is the most hopeful thing I have seen in this
            > estuary," said Dr Nia Hollis, the marine ecologist who leads the project for the Alder Estuary
            > Trust.

            The project has funding for one more year. Its organisers say its success depends as much on
            water quality as on planting: seagrass needs clear water, and the estuary still receives run-off
            from farms upstream and overflows from the sewage network during heavy rain.
            """
        ),
    ),
    ArticleSpec(
        slug="strand-sewage-overflow-hours",
        section="environment",
        headline="Sewage spilled into the sea off the Strand for more than 600 hours last year",
        standfirst=(
            "Data from Alder Water's own monitors shows the overflow beside Porthaven's busiest beach "
            "discharged on 71 days. The company says a £20m storage tank will halve that."
        ),
        authors=("priya-raman", "ifeoma-nwosu"),
        tags=("Water quality", "Data", "Sea swimming"),
        hours_ago=230,
        body=md(
            """
            Untreated sewage was released into the sea from a storm overflow beside the Strand for a total
            of 627 hours last year, according to monitoring data published by Alder Water and analysed by
            the Harbour Light.

            Storm overflows are meant to be safety valves, releasing diluted sewage into rivers or the sea
            when heavy rain would otherwise overwhelm the network and back it up into homes. Water companies
            are allowed to use them only in exceptional circumstances. The Strand overflow discharged on 71
            separate days, eleven of them during the summer bathing season.

            ## The overflows around Porthaven

            - Strand outfall: 71 spills, 627 hours.
            - Harbour Road pumping station: 38 spills, 204 hours.
            - Pengarth: 22 spills, 96 hours.
            - Northgate, into the River Alder: 54 spills, 412 hours.

            Alder Water said the figures reflected "an exceptionally wet year" and that it was investing
            £20m in a storage tank under the Strand car park, which would hold storm water until the
            treatment works could take it. Construction starts next year, and the company says it will halve
            the spills from the Strand outfall.

            Members of the Porthaven Dawn Dippers, a sea swimming group that swims all year round, now share
            spill alerts in their group chat. "We check the spill map before we check the weather," said
            Hannah Jory, one of the group's organisers.

            The environment regulator is investigating whether the Northgate overflow, which spills into the
            river upstream of the estuary's seagrass restoration site, is operating within its permit.
            """
        ),
    ),
    ArticleSpec(
        slug="pengarth-sea-wall-managed-retreat",
        section="environment",
        headline="Letting the sea back in: the plan to breach the Pengarth sea wall",
        standfirst=(
            "Farmland behind a crumbling Victorian wall would become saltmarsh. Supporters say it will "
            "help protect the city from floods; one farming family says it is being sacrificed."
        ),
        authors=("priya-raman",),
        tags=("Flooding", "Wildlife", "Planning"),
        hours_ago=330,
        body=md(
            """
            For 160 years a wall of stone and earth has kept the tide off 90 hectares of grazing land at
            Pengarth, on the south bank of the Alder estuary. Under a plan now out for consultation, it
            would be deliberately breached, and the fields behind it left to flood twice a day and turn,
            over a decade or so, into saltmarsh.

            The scheme, known in the jargon as managed realignment, is proposed by the regional flood agency
            together with the council. The wall is failing, and repairing it would cost an estimated £8m. A
            new, lower bank would be built further inland to protect the Pengarth road and the houses along
            it.

            ## Why give land back to the sea?

            Saltmarsh works like a sponge. In a storm it slows and absorbs waves and stores water that would
            otherwise be pushed up the estuary towards the city. The agency's modelling suggests the new
            marsh would lower peak flood levels at the Saltmarsh estate by around 15 centimetres during a
            surge like the one three winters ago.

            It would also create feeding grounds for wading birds and help the estuary keep pace with rising
            seas: a marsh can build itself up with sediment as the water rises, where a wall can only be
            raised at great cost.

            > "I understand the argument. But it's my family's land that goes under, and a cheque doesn't
            > make that easier," said Robert Hosking, whose family has farmed at Pengarth for a hundred
            > years. Two of the four farms affected have agreed terms; his has not.

            The consultation runs until the end of next month. Drop-in sessions are being held at Pengarth
            village hall and at the Guildhall, where the maps and the flood modelling can be seen.
            """
        ),
    ),
    ArticleSpec(
        slug="harbour-air-quality-monitors",
        section="environment",
        headline="Cruise ship season brings air quality monitors to the harbour",
        standfirst=(
            "Old Town residents have complained for years about exhaust from ships idling at the "
            "deep-water berth. Soon there will be data."
        ),
        authors=("priya-raman",),
        tags=("Air quality", "Harbour", "Tourism"),
        hours_ago=400,
        body=md(
            """
            Four air quality monitors have been installed around Porthaven harbour ahead of the cruise
            season, after residents of the Old Town complained about exhaust from ships running their
            engines while moored at the deep-water berth.

            Porthaven expects 46 cruise ship calls this year, up from 29 last year, bringing about 60,000
            passengers. The ships keep their engines running in port to power lighting, air conditioning and
            kitchens, because the berth has no shore power connection.

            The monitors, paid for by the Porthaven Harbour Trust, will measure nitrogen dioxide and fine
            particles every fifteen minutes and publish the readings online. One is on the roof of the
            harbour office, one on the Old Town sea wall, and two are on lamp posts in Fore Street and
            Chapel Street.

            > "On a still day you can taste it. My windows face the berth and I've stopped opening them when
            > there's a ship in," said Alan Curnow, who lives on Battery Terrace.

            The harbour trust said cruise visitors spent about £3m in the city last year and that it was
            "committed to being a good neighbour". It has applied for a grant towards shore power, which
            would let ships plug in and switch off their engines, but says the connection would cost £11m
            and could not be ready for at least three years.
            """
        ),
    ),
    ArticleSpec(
        slug="record-spring-beach-clean",
        section="environment",
        headline="A record 900 volunteers turn out for the spring beach clean",
        standfirst=(
            "They collected 1.3 tonnes of rubbish from seven beaches, including a surprising number of "
            "wellington boots."
        ),
        authors=("ruth-abernethy",),
        tags=("Wildlife", "Volunteering"),
        hours_ago=480,
        body=md(
            """
            More than 900 people took part in Porthaven's spring beach clean, the largest turnout since the
            event began fourteen years ago, collecting 1.3 tonnes of rubbish from seven beaches between
            Pengarth and Eastcliff Cove.

            Volunteers sorted what they found so that it could be counted. Plastic bottle tops were the most
            common item, followed by cigarette ends and fragments of fishing net. Among the stranger finds
            were a shopping trolley, a bowling ball and 23 wellington boots, not one of them a pair.

            > "Every year somebody finds a welly, and every year we say it must be the last one," said Gwen
            > Polglase, who has organised the clean since the start.

            Fishing net and rope went to a recycler that turns them into plastic pellets. The organisers
            said the amount of net had fallen for the third year running, which they credit to a scheme at
            the fish market that lets crews drop off worn-out gear for free.

            The next clean is in the autumn. Schools that want to take part can contact the organisers
            through the Alder Estuary Trust.
            """
        ),
    ),
    ArticleSpec(
        slug="garrows-yard-electric-ferries-order",
        section="business",
        headline="Garrow's Yard wins an order for two electric ferries, securing 140 jobs",
        standfirst=(
            "Porthaven's last shipyard will build battery-powered passenger boats for a fjord operator in "
            "western Norway, and hopes the Skerrow crossing will be next."
        ),
        authors=("tomasz-wojcik",),
        tags=("Jobs", "Skerrow ferry", "Harbour"),
        hours_ago=20,
        body=md(
            """
            Garrow's Yard, Porthaven's last working shipyard, has won a £26m contract to build two
            battery-electric passenger ferries, its largest order in more than twenty years.

            The 40-metre vessels, each carrying 200 passengers, are for an operator in western Norway and
            will be delivered within three years. The contract secures the jobs of the yard's 140 workers
            and 18 apprentices, and the yard expects to recruit about 30 more people, mostly welders and
            electricians.

            ## A yard that nearly closed

            Six years ago Garrow's came within weeks of closing after an order for a fisheries research
            vessel was cancelled. It was bought by a group of its own managers with a loan from a regional
            investment fund, and has since survived on repairs, refits and a run of small workboats.

            > "People in this town have been told for forty years that shipbuilding here was finished. This
            > order says otherwise," said Sarah Garrow-Penn, the yard's managing director, whose
            > great-grandfather founded it.

            The design is based on a hull the yard developed with a university naval architecture
            department. The batteries will be recharged from the shore in the fifteen minutes the boats
            spend at each terminal.

            The yard has made no secret of its hope to build a similar boat for the Skerrow crossing, where
            the council is reviewing the cost of the ferry service and the older boat, the MV Tern, is due
            for replacement. Skerrow Island Ferries said it would "look closely" at electric options, but
            that charging on the island would need a new power cable from the mainland.
            """
        ),
    ),
    ArticleSpec(
        slug="quayside-traders-flood-insurance",
        section="business",
        headline="Quayside traders can't get flood insurance. Some are giving up.",
        standfirst=(
            "After three floods in two winters, insurers are refusing cover or quoting premiums larger "
            "than a year's profit. Four businesses have closed since the autumn."
        ),
        authors=("tomasz-wojcik", "priya-raman"),
        tags=("Flooding", "Quayside", "High street"),
        hours_ago=100,
        body=md(
            """
            Marco Bellini has run the Harbour Café on the Quayside for nineteen years. After the flood three
            winters ago, his insurer paid out £42,000. After the next one, it declined to renew his policy.
            The best quote he has found since asks for £11,800 a year, with a £25,000 excess on any flood
            claim.

            "That's not insurance. That's me paying someone to watch," he said. The café is now uninsured
            against flooding, and Mr Bellini keeps his most expensive equipment up on blocks.

            He is not alone. Of 37 businesses on the Quayside and Wharf Road that answered a survey by the
            Porthaven Traders' Association, 22 said they could not find flood cover at a price they could
            afford, and nine said they had none at all. Four businesses in the area have closed since the
            autumn, two of them citing insurance as the main reason.

            ## Why shops aren't covered like homes

            Households in flood-risk areas can get affordable cover through a national reinsurance scheme
            that spreads the cost across all home insurance policies. Businesses are excluded. Brokers say
            commercial insurers now use detailed flood maps that price the Quayside as one of the
            highest-risk streets in the county.

            Traders hope the council's decision to back a tidal barrier will change that, but insurers have
            told the association they will not reprice until the barrier has been built and tested.
            Meanwhile the council offers grants of up to £5,000 for flood doors, raised sockets and other
            protection, which some insurers take into account.

            "We're the bit of Porthaven on the postcards," said Lorna Chegwidden, who chairs the traders'
            association. "If the Quayside goes dark, the whole city feels it."
            """
        ),
    ),
    ArticleSpec(
        slug="fish-market-record-week",
        section="business",
        headline="The fish market's record week, and why the boats still aren't happy",
        standfirst=(
            "Prices for hake and monkfish hit highs after a run of gales kept the fleet in port. Skippers "
            "say the headline figure hides a harder truth."
        ),
        authors=("tomasz-wojcik",),
        tags=("Fishing", "Harbour"),
        hours_ago=250,
        body=md(
            """
            Porthaven fish market has had its most valuable week for nine years, selling £1.2m of fish after
            a fortnight of gales kept most of the fleet in port and sent prices soaring when the boats
            finally got out.

            Hake sold for up to £7.40 a kilo at the dawn auction, more than double its price a few months
            ago, and monkfish tails reached £14 a kilo. Buyers from as far away as northern Spain bid by
            phone.

            But skippers say one good week cannot make up for a bad season. The fleet has shrunk from 64
            boats to 41 in ten years, fuel is still expensive, and quotas for several species have been cut.
            Crew are hard to find: two of the larger trawlers have been tied up for want of a full crew.

            > "A record week gets the headline. It doesn't pay back the three weeks before it, when we
            > didn't leave the harbour," said Danny Rowse, who skippers the Tamsin Jane, a 15-metre netter.

            The market, run by the Porthaven Harbour Trust, is planning a new chilled store so that fish
            landed in a glut can be held back and sold when prices are better. The trust said it hoped to
            start work next year, subject to a grant.
            """
        ),
    ),
    ArticleSpec(
        slug="tideloom-turbine-first-winter",
        section="business",
        headline="TideLoom's estuary turbine comes through its first winter",
        standfirst=(
            "The Porthaven start-up's prototype kept generating through four storms. Now it needs £15m to "
            "build the next one."
        ),
        authors=("tomasz-wojcik",),
        tags=("Energy", "Jobs"),
        hours_ago=350,
        body=md(
            """
            A tidal turbine moored in the mouth of the Alder estuary has come through its first winter
            intact, generating electricity through four storms and sending power to the grid on 81% of days,
            according to TideLoom, the Porthaven company that built it.

            The turbine hangs beneath a yellow floating platform that can be seen from the Strand. Its two
            rotors turn with the tide in both directions, and at full power it can supply the equivalent of
            about 400 homes.

            ## What the company says it has learnt

            - Seaweed and barnacles build up on the rotors faster than expected, and have to be cleaned off
              every six weeks.
            - The moorings held in waves of up to seven metres.
            - Its output can be predicted to the minute, because the tides can: the main selling point of
              tidal power over wind and solar.

            TideLoom employs 23 people at a unit on the Harbour Road industrial estate, most of them
            engineers. Its chief executive, Dr Femi Adeyemi, said the company now needed to raise £15m to
            build a larger turbine, and that several investors were interested. "The question isn't whether
            it works any more. It's whether it can be built cheaply enough," he said.

            Local fishermen, who opposed the project at first, say the platform has caused them no problems.
            The company pays the harbour trust for the mooring and has agreed to remove the structure at the
            end of the trial.
            """
        ),
    ),
    ArticleSpec(
        slug="fore-street-empty-shops-owners",
        section="business",
        headline="Fore Street has 17 empty shops. We asked who owns them.",
        standfirst=(
            "Land registry records show most belong to investors outside Porthaven, and three to the same "
            "pension fund. Some have been empty for more than five years."
        ),
        authors=("tomasz-wojcik", "ifeoma-nwosu"),
        tags=("High street", "Data"),
        hours_ago=190,
        body=md(
            """
            Walk the length of Fore Street, from the Guildhall to the harbour steps, and you pass 17 empty
            shops. Some have whitewashed windows and faded "to let" boards; one still has a calendar from
            six years ago hanging behind the counter.

            The Harbour Light looked up the owner of every vacant unit in the land registry. We found that:

            - 12 of the 17 are owned by companies or funds based outside Porthaven;
            - three, all at the harbour end of the street, belong to a single pension fund that has owned
              them for thirty years;
            - five have been empty for more than five years;
            - only two are owned by people who live in the city.

            Agents for the largest owner said the units were "actively marketed" but that rents had to
            reflect their long-term value. Local traders say the asking rents are far beyond anything a
            small business could pay. One florist told us she had been quoted £32,000 a year for a unit that
            had stood empty for four years.

            ## What the council can do

            The council can charge business rates on empty shops after three months, and does. Newer powers
            also let councils hold rental auctions that force landlords to let units that have been empty
            for a year. Porthaven has not used them yet. Cllr Bryony Keast, the cabinet member for finance,
            said the council was "looking at it closely" and would consider a pilot on Fore Street.

            Meanwhile some owners have agreed to let units for pop-up shops and exhibitions. A community
            group, Fill Fore Street, has arranged eleven short lets in the past year, and says two of those
            businesses have since signed full leases.
            """
        ),
    ),
    ArticleSpec(
        slug="kemps-bakery-closes",
        section="business",
        headline="Kemp's bakery closes after 71 years, blaming its energy bills",
        standfirst=(
            "Three generations of the Kemp family baked in the same ovens on Chapel Street. The last "
            "loaves sold out by half past nine."
        ),
        authors=("tomasz-wojcik",),
        tags=("High street", "Energy"),
        hours_ago=445,
        image=False,
        body=md(
            """
            Kemp's bakery on Chapel Street has closed after 71 years, its owner saying that the shop's
            electricity bill had tripled in three years and she could no longer make the numbers work.

            Jill Kemp, whose grandfather opened the bakery, said the ovens ran from three in the morning and
            there was "no way to bake bread without heat". The bill was now more than £2,400 a month, she
            said, while takings had fallen since the post office next door closed.

            On the last morning the queue stretched past the library. The final loaves sold out by half past
            nine, and customers left cards and flowers on the doorstep. "I've been coming here since I was
            in a pushchair," said one woman, who bought two dozen saffron buns to put in the freezer.

            Mrs Kemp said she hoped someone would take on the ovens, which still work. The building's owner
            has not said what will happen to the shop.
            """
        ),
    ),
    ArticleSpec(
        slug="lantern-night-crowdfunder",
        section="culture",
        headline="Lantern Night saved after a crowdfunder raises £38,000 in nine days",
        standfirst=(
            "The winter lantern procession lost its council grant in the budget. More than 1,400 people "
            "chipped in to keep it going."
        ),
        authors=("carys-penrose",),
        tags=("Festivals", "Arts funding"),
        hours_ago=60,
        body=md(
            """
            Porthaven's Lantern Night will go ahead this year after a crowdfunding appeal raised £38,000 in
            nine days, more than replacing the council grant the festival lost in the latest round of budget
            cuts.

            The procession, in which thousands of people carry paper-and-willow lanterns from the Guildhall
            down Fore Street to the harbour, began in 1994 as a school project and has grown into the city's
            biggest free event. Last year an estimated 12,000 people took part or watched.

            The festival's organisers, the community arts charity Lightworks, had relied on a council grant
            of £25,000 a year to pay for workshops in schools, stewards and road closures. When the grant
            was cut, they warned that the event would have to shrink to a single evening.

            > "We asked for twenty-five and you gave us thirty-eight. I've read every message that came with
            > the donations, and I've cried at most of them," said Kit Trevail, Lightworks' director.

            In all, 1,437 people donated. The largest single gift, £2,000, came from a former Porthaven
            resident now living in Canada. The extra money will pay for lantern-making workshops in four
            schools that have never taken part, including the primary school on Skerrow.

            Public lantern-making workshops begin a month before the procession, and dates will be announced
            on the Lightworks website.
            """
        ),
    ),
    ArticleSpec(
        slug="tidehouse-high-water-review",
        section="culture",
        headline="The Tidehouse opens its season with a play about the night the sea came in",
        standfirst=(
            '"High Water" retells Porthaven\'s 1962 flood through the words of the people who lived through '
            "it. It is the theatre's most ambitious production in years."
        ),
        authors=("carys-penrose",),
        tags=("Theatre", "Flooding"),
        hours_ago=150,
        body=md(
            """
            In the small hours of a February night in 1962, the sea came over Porthaven's harbour wall and
            filled the streets behind it to the height of a man's shoulders. Eleven people died, most of
            them in the cottages on Wharf Road that were later pulled down. For a generation, people in the
            city barely talked about it.

            "High Water", which opens the Tidehouse Theatre's season, is built out of those silences. Its
            writer, Esther Nankivell, spent two years recording interviews with 34 people who remembered the
            flood, the youngest of whom was six at the time, and with their children and grandchildren.

            The result is less a conventional play than a chorus. Eight professional actors share the stage
            with a community company of forty, and many of the lines are spoken word for word as they were
            recorded. The set, a tilted wooden pier that slowly floods during the second half, is the most
            complicated the Tidehouse has ever built.

            > "Everyone in this town has a flood story now. I wanted to know what it meant to have one when
            > almost nobody else did," Nankivell said at a rehearsal last week.

            The production is part-funded by the national arts council and the Alder Estuary Trust, and runs
            for three weeks. There will be one relaxed and two captioned performances, and the theatre is
            offering free tickets to anyone who was living in Porthaven in 1962.
            """
        ),
    ),
    ArticleSpec(
        slug="net-loft-keeps-late-licence",
        section="culture",
        headline="The Net Loft keeps its late licence after neighbours' complaints",
        standfirst=(
            "Councillors refused to make the harbourside music venue close at 11pm, but added conditions "
            "on noise and late-night queues."
        ),
        authors=("carys-penrose", "daniel-achterberg"),
        tags=("Music", "Licensing"),
        hours_ago=280,
        body=md(
            """
            The Net Loft, the harbourside music venue that has hosted touring bands and local acts for two
            decades, will keep its licence to stay open until 1am after a council hearing that lasted most
            of a day.

            Three residents of new flats on Wharf Road had asked the licensing committee to review the
            venue's licence, saying that noise from gigs, and from crowds leaving late at night, kept them
            awake. They submitted recordings and a log of 46 nights on which they said they had been
            disturbed.

            More than 600 people wrote to the committee in support of the venue, among them several
            musicians who said they had played their first gigs there. The venue's owner, Roz Alvey, said
            the building had been a music venue long before the flats were built, and that she had already
            spent £18,000 on soundproofing.

            The committee refused to cut the venue's hours. Instead it imposed new conditions: doors and
            windows must stay closed during performances, a noise limiter must be fitted, and door staff
            must manage queues and steer people away from the residential side of Wharf Road after midnight.

            "It's a fair outcome. We'll do what they've asked, and we'll keep talking to the neighbours," Ms
            Alvey said. One of the residents who asked for the review said they were "disappointed but not
            surprised", and would keep a log of any breaches.
            """
        ),
    ),
    ArticleSpec(
        slug="chapel-street-library-sunday-opening",
        section="culture",
        headline="Chapel Street library to open on Sundays again, thanks to a bequest",
        standfirst="A retired teacher left the library £180,000 in her will, with one condition.",
        authors=("ruth-abernethy",),
        tags=("Libraries",),
        hours_ago=360,
        image=False,
        body=md(
            """
            Porthaven's central library on Chapel Street will open on Sunday afternoons again from next
            month, paid for by a bequest from a former teacher who used the library for most of her life.

            Margaret Eddy, who taught at Northgate primary school for 31 years and died last year aged 93,
            left £180,000 to the library in her will. Her one condition, according to her nephew, was that
            the money should be spent on opening hours, "not on a sign with her name on it".

            Sunday opening was cut seven years ago. The bequest will pay for it, from 1pm to 5pm, for at
            least five years, and part of the money will fund a Sunday homework club and a monthly repair
            café.

            Librarians said Sunday afternoons had been among their busiest times before the cut, especially
            for families and for people who work during the week. "Margaret came in every Saturday morning
            for decades. I think she'd like the idea of other people getting their Sunday," said Angela
            Moyle, the senior librarian.
            """
        ),
    ),
    ArticleSpec(
        slug="pilot-house-museum-ferry-photographs",
        section="culture",
        headline="Pilot House Museum asks families for photographs of the old Skerrow ferries",
        standfirst=(
            "The museum is preparing an exhibition on a century of crossings to the island, and its own "
            "collection has gaps."
        ),
        authors=("carys-penrose",),
        tags=("Heritage", "Skerrow ferry"),
        hours_ago=470,
        body=md(
            """
            The Pilot House Museum is asking Porthaven families to look through their albums and attics for
            photographs of the Skerrow ferries, for an exhibition marking a hundred years since the first
            motor ferry made the crossing.

            The museum's collection includes pictures of the early steam launches and of the current boats,
            but very little from the 1950s to the 1980s, when the crossing was run by the Treloar brothers
            with a pair of converted wartime launches. Those boats carried islanders to school, to hospital
            and to dances on the mainland, and barely appear in official records.

            > "The best pictures of those years are in people's shoeboxes. A wedding party crossing in the
            > rain, a cow being loaded on deck, children in school uniform on the bow: that's the history
            > we're missing," said Dr Imogen Slade, the museum's curator.

            The museum will scan photographs and return them the same day. It is also recording people's
            memories of the crossing, and would particularly like to hear from anyone who worked on the
            boats.

            Drop-in scanning sessions are held on Saturday mornings at the museum on Battery Terrace, and
            once a month at Skerrow village hall. The exhibition opens next spring.
            """
        ),
    ),
    ArticleSpec(
        slug="gulls-top-after-late-winner",
        section="sport",
        headline="Gulls go top after a stoppage-time winner at the Ropewalk",
        standfirst=(
            "Porthaven Athletic 2 Polmear Rovers 1. Kieran Blewett's header in the 94th minute sent a "
            "crowd of 1,812 home happy."
        ),
        authors=("jack-delahunt",),
        tags=("Porthaven Athletic",),
        hours_ago=40,
        body=md(
            """
            Porthaven Athletic are top of the league for the first time in eleven years after Kieran
            Blewett's stoppage-time header gave them a 2-1 win over Polmear Rovers at the Ropewalk.

            It had looked like being a frustrating afternoon. Rovers, who arrived unbeaten in eight games,
            took the lead just before half-time when a low cross from the left squeezed under the Gulls'
            goalkeeper, Sam Hocking, and then defended deep for most of the second half.

            The equaliser came with twenty minutes left. The substitute Tayo Bankole, on the pitch for only
            four minutes, cut in from the right and curled a shot into the far corner. From then on it was
            almost all Porthaven, and the crowd of 1,812, the biggest at the Ropewalk this season, sensed
            it.

            In the fourth minute of added time the captain, Josh Teague, swung in a free kick from the
            right, and Blewett, the centre-back who had been the best player on the pitch, rose above two
            defenders to head it in. Supporters spilled on to the pitch, and the referee needed several
            minutes to restart the game.

            > "I don't score many, so I'll enjoy that one for a while. But it's one game, and nobody in that
            > dressing room is getting carried away," Blewett said. His manager, Leanne Pryor, was blunter:
            > "Top now means nothing. Top on the last day, ask me then."

            Athletic, a point clear of Polmear with a game in hand, travel to Kellow Vale next.
            """
        ),
    ),
    ArticleSpec(
        slug="harbour-regatta-pilot-gigs",
        section="sport",
        headline="Pilot gig crews race to Skerrow and back in the Harbour Regatta",
        standfirst=(
            "Thirty-two crews rowed the four-mile course, and Porthaven's women's crew won their race for "
            "the first time."
        ),
        authors=("jack-delahunt",),
        tags=("Gig rowing", "Harbour"),
        hours_ago=130,
        body=md(
            """
            Thirty-two crews in six-oared pilot gigs raced from the harbour mouth to Skerrow and back in the
            annual Harbour Regatta, watched by hundreds of people lining the harbour wall and the Strand.

            The gigs, long and narrow wooden boats first built to carry pilots out to ships waiting off the
            coast, are rowed by six with a cox steering. The four-mile course takes the fastest crews a
            little over half an hour and crosses the tide race off Skerrow Point, where several boats were
            pushed off line.

            The Porthaven Pilot Gig Club's women's crew won the women's race for the first time, finishing
            eleven seconds ahead of Polmear after passing them on the final straight. Their boat, the
            Curlew, was built in 1911 and restored by club members over three winters.

            > "We knew they'd be strong across the race and we'd have to hang on. When we came round the
            > point level, the cox just said 'now', and we went," said Bethan Couch, who rowed at stroke.

            The men's race was won by Polmear, with Porthaven third. The regatta also had races for junior
            crews and for veterans over 50, which the organisers said had its biggest entry yet. The next
            event in the gig calendar is the county championships.
            """
        ),
    ),
    ArticleSpec(
        slug="ropewalk-all-weather-pitch-plan",
        section="sport",
        headline="Athletic's plan for an all-weather pitch divides the Ropewalk",
        standfirst=(
            "The club says an artificial pitch would make it sustainable and open the ground to the "
            "community. Some fans say football should be played on grass."
        ),
        authors=("jack-delahunt", "daniel-achterberg"),
        tags=("Porthaven Athletic", "Planning"),
        hours_ago=300,
        body=md(
            """
            Porthaven Athletic have applied for planning permission to replace the grass pitch at the
            Ropewalk with an artificial surface, saying it would let the ground be used seven days a week
            and bring in up to £90,000 a year.

            The pitch, on low ground close to the river, is often waterlogged. Athletic had five home games
            postponed last season, and the groundsman estimates that in winter the pitch can take little
            more than 60 hours of use a month. An all-weather surface could be used for more than 200 hours
            a week.

            ## Who would use it

            The club plans to rent the pitch to junior teams, the women's team, walking football groups and
            schools during the day. Several youth clubs in the city now travel out of town for winter
            training.

            Not everyone is convinced. A supporters' survey found 58% in favour and 34% against, with the
            rest undecided. Some opponents worry about rubber crumb washing into the river; the club says it
            will use a cork-based infill and a drainage system with filters.

            > "I've stood on that terrace for forty years. It's a football ground, not a leisure centre,"
            > said one season-ticket holder. Another, who coaches an under-12 team, said: "My lot train on a
            > car park all winter. I'll take plastic."

            The league allows artificial pitches at the Gulls' level. The council's planning committee is
            expected to consider the application within the next few months.
            """
        ),
    ),
    ArticleSpec(
        slug="athletic-women-county-cup-final",
        section="sport",
        headline="Porthaven Athletic Women reach the county cup final",
        standfirst=(
            "A penalty shoot-out win at Kellow Vale takes the club to its first final since the women's "
            "team was founded."
        ),
        authors=("jack-delahunt",),
        tags=("Porthaven Athletic", "Women's football"),
        hours_ago=210,
        body=md(
            """
            Porthaven Athletic Women will play in the county cup final for the first time after beating
            Kellow Vale 4-3 on penalties, following a 1-1 draw in which they played the last half-hour with
            ten players.

            Kellow Vale took the lead with a close-range finish from a corner. Athletic's captain, Rhian
            Stevens, equalised with a free kick from 25 yards on the hour, before the defender Lily Tonkin
            was sent off for a second booking.

            In the shoot-out the goalkeeper, Aisha Bello, saved two penalties, the second diving low to her
            left, and Stevens scored the decisive kick.

            > "We've been building to this since the club started the team with 14 players and one set of
            > shirts. Tonight is for everyone who came to training in the rain," Stevens said.

            The final will be played at the county ground next month. Athletic will run a supporters' coach
            from the Ropewalk, and the men's team's season-ticket holders will get in free.
            """
        ),
    ),
    ArticleSpec(
        slug="harbour-beach-swimming-advice-lifted",
        section="sport",
        headline="Sea swimmers return to Harbour Beach as water tests come back clear",
        standfirst=(
            "A fortnight of advice against swimming has been lifted. Swimmers say the city still needs a "
            "warning system that works in real time."
        ),
        authors=("ruth-abernethy",),
        tags=("Sea swimming", "Water quality"),
        hours_ago=80,
        body=md(
            """
            The advice against swimming at Harbour Beach has been lifted after two weeks of water samples
            came back within safe limits, and the first swimmers were back in the water at first light.

            The advice was issued after heavy rain caused sewage overflows near the beach and tests found
            levels of E. coli well above the bathing-water standard. The council put up signs at the slipway
            and posted the advice on its website.

            Members of the Porthaven Dawn Dippers, who swim from Harbour Beach every morning of the year,
            said the signs were slow to go up and slower to come down. "We rely on a spill map and our own
            noses. Neither is good enough," said Hannah Jory, one of the group's organisers.

            Alder Water now publishes alerts within an hour or so whenever one of its overflows spills. But
            the council tests the water weekly and results take up to three days, so the official advice can
            lag well behind what is happening in the sea.

            The council said it was "exploring" a faster testing method used at some beaches elsewhere,
            which can give results within hours. A decision on paying for it is expected as part of next
            year's budget.
            """
        ),
    ),
    ArticleSpec(
        slug="skerrow-ferry-new-timetable",
        section="city-hall",
        headline="The new Skerrow ferry timetable, sailing by sailing",
        standfirst=(
            "The first boat leaves the island earlier, the last leaves the Quayside later, and two midday "
            "sailings go. Here is what changes."
        ),
        authors=("ruth-abernethy",),
        tags=("Skerrow ferry", "Transport"),
        hours_ago=-48,
        body=md(
            """
            Skerrow Island Ferries is bringing in a new timetable, the first big change to the crossing in
            six years. It follows a consultation with islanders and the council's review of the ferry
            subsidy, and most of the changes are meant to fit the boats around school and working hours
            rather than day visitors.

            ## What changes

            - The first sailing from Skerrow leaves at 6.40am, twenty minutes earlier, so that commuters can
              catch the first train from Porthaven station.
            - An extra school-day sailing leaves the Quayside at 3.50pm.
            - The last sailing from the Quayside moves from 9pm to 10.30pm on Fridays and Saturdays.
            - Two midday return sailings on weekdays are withdrawn outside the summer months.

            The operator says the midday sailings carried an average of nine passengers each last winter,
            and that dropping them pays for the earlier and later boats without another fare rise.

            Islanders have mostly welcomed the changes, though some older residents who use the midday boat
            for hospital appointments say they now face a longer day on the mainland. The operator says it
            will book a seat on a minibus to the hospital for anyone with an appointment between the
            remaining sailings.

            The new timetable will be posted at both terminals and on the operator's website. All sailings
            remain subject to the weather.
            """
        ),
    ),
    ArticleSpec(
        slug="tidehouse-new-director-interview",
        section="culture",
        headline="The Tidehouse's new director on making theatre in a town that floods",
        standfirst=(
            "Adaeze Obi takes over the Tidehouse after fourteen years running a touring company. She wants "
            "the theatre open all day, and out of its building more often."
        ),
        authors=("carys-penrose",),
        tags=("Theatre",),
        hours_ago=None,
        image=False,
        body=md(
            """
            Adaeze Obi has been artistic director of the Tidehouse Theatre for six weeks, and she has
            already moved her desk out of the office and into the foyer. "If I'm going to ask people what
            they want from this place, I'd better be somewhere they can find me," she says.

            She arrives after fourteen years running a touring company that took plays to village halls and
            community centres, and she wants the Tidehouse to do more of that: a show that tours the estates
            and the island every year, and a smaller studio programme made with local writers.

            [EDITOR'S NOTE: add her answers on "High Water" and on the budget; check the board's deficit
            figure before this goes out.]

            Her first challenge is money. The theatre has lost a fifth of its public funding in five years
            and ran a deficit last year. Obi says the answer is not fewer shows but a building that earns
            its keep during the day: a café that stays open, rehearsal rooms to hire, and a youth theatre
            that fills the studio after school.
            """
        ),
    ),
)

LIVE_UPDATES: dict[str, tuple[LiveUpdateSpec, ...]] = {
    "live-storm-surge-porthaven-harbour": (
        LiveUpdateSpec(
            minutes_ago=350,
            headline="Flood gates going up on the Quayside",
            body=md(
                """
                Council crews are bolting the demountable flood barriers into place along the Quayside, from
                the harbour steps to the fish market. Wharf Road is closed to traffic, and shopkeepers are
                carrying stock upstairs.
                """
            ),
        ),
        LiveUpdateSpec(
            minutes_ago=320,
            headline="All Skerrow ferry sailings cancelled",
            body=md(
                """
                Skerrow Island Ferries has cancelled every sailing for the rest of the day, and both boats
                are tied up in the inner harbour. Islanders who need urgent medical help should call the
                emergency services as usual: the lifeboat and the coastguard helicopter are available.
                """
            ),
        ),
        LiveUpdateSpec(
            minutes_ago=285,
            headline="Harbour master: surge running a metre above the tide",
            body=md(
                """
                Captain Lewis Penhale, the harbour master, says the surge is running at about 1.1 metres
                above the predicted tide and should peak at high water. "The gates will hold what we're
                forecast. What worries me is the waves coming over the wall at the Strand," he told us.
                """
            ),
        ),
        LiveUpdateSpec(
            minutes_ago=240,
            headline="Sandbags at the Northgate depot and Marsh Lane",
            body=md(
                """
                The council is handing out sandbags at the Northgate highways depot while stocks last, ten
                per household. Residents of the Saltmarsh estate can collect them from the community centre
                on Marsh Lane, where volunteers are helping people carry them home.
                """
            ),
        ),
        LiveUpdateSpec(
            minutes_ago=200,
            headline="Waves breaking over the Strand",
            body=md(
                """
                Waves are now breaking over the Strand sea wall and throwing shingle and weed across the
                road. Police have closed the Strand between the lifeboat station and Battery Terrace.

                Please stay away: a few minutes ago a passer-by had to pull a man back from the wall after
                he climbed it to film the waves.
                """
            ),
        ),
        LiveUpdateSpec(
            minutes_ago=160,
            headline="Water inside shops at the harbour end of Fore Street",
            body=md(
                """
                Sea water has come under the gates at the harbour end of Fore Street, where the barrier
                meets the old quay wall, and several shops have about ten centimetres of water inside. The
                fire service is pumping.

                At the Harbour Café, Marco Bellini has lifted everything he can on to blocks. "Third time.
                You get quicker at it," he said.
                """
            ),
        ),
        LiveUpdateSpec(
            minutes_ago=125,
            headline="Rest centre open at St Piran's church hall",
            body=md(
                """
                The council has opened a rest centre at St Piran's church hall for anyone who has had to
                leave home. There are hot drinks, blankets and phone chargers, and volunteers from Harbour
                Homeless Action are helping out. Pets are welcome on a lead or in a carrier.
                """
            ),
        ),
        LiveUpdateSpec(
            minutes_ago=90,
            headline="High tide has passed, and the main gates held",
            body=md(
                """
                High water has passed. The harbour master says the main Quayside gates held and the surge
                peaked at 1.14 metres, just below the level of three winters ago. Most of the flooding came
                from waves over the wall at the Strand and from water seeping under the gates at Fore
                Street.
                """
            ),
        ),
        LiveUpdateSpec(
            minutes_ago=55,
            headline="Council leader on the Quayside",
            body=md(
                """
                Cllr Helen Marsh, the council leader, has been walking the Quayside with the harbour master.
                Asked whether the day strengthened the case for the tidal barrier the council voted for this
                week, she said: "Today is about getting people safe and dry. But yes, this is exactly what
                it is for."
                """
            ),
        ),
        LiveUpdateSpec(
            minutes_ago=20,
            headline="What happens next",
            body=md(
                """
                The water is going down and the wind is easing, but the next high tide, in about twelve
                hours, is also expected to run above normal, so the flood gates will stay up until it has
                passed.

                Skerrow Island Ferries hopes to run a first sailing once the harbour master gives the
                all-clear. We will keep this page updated.
                """
            ),
        ),
    ),
}
