"""Demo content: bilingual news, events and open calls for trying Buletin out.

The stories are modelled on public pages of Albanian local-government and civil-society
agencies. Everything is written through
`service.content.actions`, so the demo passes the same validation, sanitising and slug
rules as real content.

Dates are day offsets from `now`, so whenever the demo is loaded it has fresh news,
upcoming events, open calls, one past event, one closed call and one draft.

Loading is idempotent: an entry whose Albanian slug already exists is skipped, and an
existing topic only receives the names it lacks, so a second run writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from service.content.actions import EntryData, TranslationData, create_entry
from service.content.enums import EntryKind
from service.content.models import EntryTranslation, Topic, TopicTranslation
from service.content.publishing import publish_entry
from service.content.slugs import slug_from_title
from service.content.topics import save_topic
from service.settings import Settings
from service.staff.actors import SYSTEM

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

# Skipping is decided on the Albanian slug: the demo is written Albanian-first.
DEMO_LOCALE = "sq"


@dataclass(frozen=True)
class DemoReport:
    created: int
    skipped: int
    # Demo topics in place after the run, whether or not this run wrote them.
    topics: int


@dataclass(frozen=True)
class DemoTopic:
    slug: str
    sq: str
    en: str


@dataclass(frozen=True)
class At:
    """Wall-clock time in the organisation's zone, `days` from today (negative: in the past)."""

    days: int
    hour: int = 10
    minute: int = 0

    def resolve(self, today: date, zone: ZoneInfo) -> datetime:
        local = datetime.combine(today + timedelta(days=self.days), time(self.hour, self.minute))
        return local.replace(tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class DemoText:
    """One translation; whitespace is collapsed on load so the table can wrap its lines."""

    title: str
    summary: str
    body: str
    eligibility: str | None = None


@dataclass(frozen=True)
class DemoEntry:
    kind: EntryKind
    slug: str  # of the Albanian translation; fixed so a second run can recognise the entry
    sq: DemoText
    en: DemoText
    topics: tuple[str, ...]
    organisers: str
    published: At | None  # None: left as a draft, to show that drafts stay hidden
    starts_at: At | None = None
    ends_at: At | None = None
    venue: str | None = None
    online_url: str | None = None
    registration_url: str | None = None
    opens_at: At | None = None
    deadline: At | None = None
    apply_url: str | None = None
    budget: str | None = None


DEMO_TOPICS: tuple[DemoTopic, ...] = (
    DemoTopic("european-integration", "Integrimi evropian", "European integration"),
    DemoTopic("local-government", "Qeverisja vendore", "Local government"),
    DemoTopic("civil-society", "Shoqëria civile", "Civil society"),
    DemoTopic("social-services", "Shërbimet sociale", "Social services"),
    DemoTopic("youth", "Rinia", "Youth"),
    DemoTopic("elections", "Zgjedhjet", "Elections"),
    DemoTopic("funding", "Fonde dhe grante", "Funding and grants"),
    DemoTopic("training", "Trajnime", "Training"),
    DemoTopic("environment", "Mjedisi", "Environment"),
)

_CONSULTATION_URL = "https://example.org/konsultim/standardet-sherbimet-sociale"

DEMO_ENTRIES: tuple[DemoEntry, ...] = (
    # --- News -------------------------------------------------------------------------
    DemoEntry(
        kind=EntryKind.NEWS,
        slug="trajnime-roli-i-njesive-te-integrimit-ne-bashki",
        sq=DemoText(
            title="Roli i njësive të integrimit: trajnime me stafin drejtues të bashkive",
            summary="""
                Përfundoi trajnimi i parë dyditor për rolin e bashkive në procesin e integrimit
                evropian me sekretarë të përgjithshëm dhe zëvendëskryetarë bashkish. Trajnimet me
                grupet e tjera vazhdojnë gjatë ditëve në vijim, në bashkëpunim të ngushtë me
                ASPA-n.
            """,
            body="""
                <p>Përfundoi trajnimi i parë dyditor me temë „Roli i bashkive në procesin e
                integrimit evropian” me grupin e parë të përfaqësuesve të bashkive, sekretarë të
                përgjithshëm dhe zëvendëskryetarë.</p>
                <p>Pjesëmarrësit diskutuan se si njësitë e integrimit bashkërendojnë punën për
                çështjet e BE-së ndërmjet drejtorive, si përputhen planet vendore me detyrimet e
                procesit të anëtarësimit dhe si mund të ndiqen programet e BE-së që janë të hapura
                për qeverisjen vendore.</p>
                <p>Trajnimet me grupet e tjera po zhvillohen gjatë ditëve në vijim, të organizuara
                nga AKKSHI dhe projekti „Bashkitë për Evropën”, në bashkëpunim të ngushtë me
                Shkollën Shqiptare të Administratës Publike (ASPA).</p>
            """,
        ),
        en=DemoText(
            title="The role of integration units: training for municipal management staff",
            summary="""
                The first two-day training on the role of municipalities in the European
                integration process has concluded with secretaries general and deputy mayors.
                Further groups follow in the coming days, in close cooperation with ASPA.
            """,
            body="""
                <p>The first two-day training on “The Role of Municipalities in the European
                Integration Process” has concluded with the first group of municipal
                representatives, secretaries general and deputy mayors.</p>
                <p>Participants discussed how integration units coordinate EU-related work across
                departments, how local plans fit the obligations of the accession process and how
                to follow the EU programmes that are open to local government.</p>
                <p>The next groups are being trained over the coming days, organised by AKKSHI and
                the “Municipalities for Europe” project in close cooperation with the Albanian
                School of Public Administration (ASPA).</p>
            """,
        ),
        topics=("european-integration", "local-government", "training"),
        organisers="AKKSHI, ASPA, Bashkitë për Evropën",
        published=At(-3, 10),
    ),
    DemoEntry(
        kind=EntryKind.NEWS,
        slug="bashkite-dhe-integrimi-evropian-praktika-te-mira-ne-evropen-juglindore",
        sq=DemoText(
            title="""
                Bashkitë dhe procesi i integrimit evropian: shkëmbim praktikash të mira në
                Evropën Juglindore
            """,
            summary="""
                Meqë rreth 70% e legjislacionit të BE-së zbatohet në nivel vendor, bashki nga
                rajoni ndanë përvojat se si po i përgatitin shërbimet, infrastrukturën dhe
                hapësirat publike për anëtarësimin në BE.
            """,
            body="""
                <p>Cilësia e jetës së çdo qytetari, si në zonat urbane ashtu edhe në ato rurale,
                varet kryesisht nga cilësia e shërbimeve, e infrastrukturës publike dhe e
                hapësirave publike që krijojnë dhe administrojnë bashkitë.</p>
                <p>Për këtë arsye bashkitë luajnë një rol të veçantë në procesin e integrimit
                evropian: rreth 70% e legjislacionit të BE-së zbatohet pikërisht në nivel vendor.
                Përfaqësues të bashkive shqiptare u takuan me homologë nga rajoni për të shkëmbyer
                përvoja mbi:</p>
                <ul>
                <li>ngritjen dhe funksionimin e njësive të integrimit evropian;</li>
                <li>përgatitjen e projekteve për programet e BE-së dhe fondet e
                paraanëtarësimit;</li>
                <li>përafrimin e shërbimeve vendore me standardet e BE-së, nga menaxhimi i
                mbetjeve te kujdesi social.</li>
                </ul>
                <p>Shkëmbimi do të vazhdojë me vizita studimore dhe me një rrjet online të
                zyrtarëve të integrimit në bashki.</p>
            """,
        ),
        en=DemoText(
            title="""
                Municipalities and European integration: exchanging good practice in South-East
                Europe
            """,
            summary="""
                With around 70% of EU legislation implemented at local level, municipalities from
                the region compared how they are preparing services, infrastructure and public
                spaces for EU membership.
            """,
            body="""
                <p>The quality of life of every citizen, in urban and rural areas alike, depends
                largely on the quality of the services, public infrastructure and public spaces
                that municipalities create and manage.</p>
                <p>This is why municipalities play an exceptional role in the European integration
                process: around 70% of EU legislation is implemented precisely at local level.
                Representatives of Albanian municipalities met their peers from the region to
                exchange experience on:</p>
                <ul>
                <li>setting up and running European integration units;</li>
                <li>preparing projects for EU programmes and pre-accession funds;</li>
                <li>aligning local services with EU standards, from waste management to social
                care.</li>
                </ul>
                <p>The exchange will continue with study visits and an online network of municipal
                integration officers.</p>
            """,
        ),
        topics=("european-integration", "local-government"),
        organisers="AKKSHI, Bashkitë për Evropën",
        published=At(-9, 11),
    ),
    DemoEntry(
        kind=EntryKind.NEWS,
        slug="takim-i-hapur-amshc-bashkia-e-tiranes-dhe-shoqeria-civile",
        sq=DemoText(
            title="Takim i hapur mes AMSHC-së, Bashkisë së Tiranës dhe shoqërisë civile",
            summary="""
                Rreth 80 organizata që punojnë me të rinjtë, për mjedisin, për njerëzit në nevojë
                dhe me vullnetarë u takuan me kryetarin e bashkisë dhe me AMSHC-në për të nisur
                një bashkëpunim të rregullt në vendimmarrjen vendore.
            """,
            body="""
                <p>Në mjediset e Bashkisë së Tiranës u zhvillua një takim i hapur, i organizuar nga
                Agjencia për Mbështetjen e Shoqërisë Civile (AMSHC), me pjesëmarrjen e kryetarit
                të bashkisë, të përfaqësuesve të AMSHC-së dhe të rreth 80 organizatave
                jofitimprurëse, aktive kryesisht në fushën e rinisë, të mjedisit, të ndihmës për
                njerëzit në nevojë dhe të vullnetarizmit.</p>
                <p>Takimi është fillimi i një bashkëpunimi afatgjatë: takime të tilla do të mbahen
                periodikisht dhe do të përfshihen në programin e bashkisë, në mënyrë që qëndrimet
                e organizatave të shoqërisë civile të merren parasysh në vendimmarrjen
                vendore.</p>
                <p>U diskutua edhe nxitja e vullnetarizmit te të rinjtë, ndërsa të gjitha
                organizatat u ftuan t’i bashkohen aksionit të bashkisë për pastrimin e qytetit.
                AMSHC fton të gjithë të interesuarit të ndjekin veprimtaritë e saj dhe të
                <a href="https://example.org/amshc/sugjerime">dërgojnë ide dhe sugjerime</a>.</p>
            """,
        ),
        en=DemoText(
            title="Open meeting brings together the ASCS, the Municipality of Tirana and CSOs",
            summary="""
                Around 80 organisations working with young people, on the environment, for people
                in need and with volunteers met the mayor and the ASCS to start regular cooperation
                on local decision-making.
            """,
            body="""
                <p>An open meeting organised by the Agency for the Support of Civil Society (ASCS)
                on the premises of the Municipality of Tirana brought together the mayor, ASCS
                staff and representatives of about 80 non-profit organisations, mainly active in
                youth work, the environment, support for people in need and volunteering.</p>
                <p>The meeting is the start of long-term cooperation: such meetings will be held
                periodically and included in the municipality’s programme, so that the positions
                of civil-society organisations are taken into account in local
                decision-making.</p>
                <p>Participants also discussed how to encourage volunteering among young people,
                and all organisations were invited to join the municipality’s city clean-up
                action. The ASCS invites everyone interested to follow its activities and to
                <a href="https://example.org/amshc/sugjerime">send ideas and suggestions</a>.</p>
            """,
        ),
        topics=("civil-society", "local-government"),
        organisers="AMSHC, Bashkia Tiranë",
        published=At(-45, 12),
    ),
    DemoEntry(
        kind=EntryKind.NEWS,
        slug="shoqata-e-bashkive-partnere-ne-projektin-recov",
        sq=DemoText(
            title="""
                Shoqata e Bashkive të Shqipërisë, një nga dhjetë partnerët evropianë të projektit
                RECOV
            """,
            summary="""
                RECOV – rimendimi i vlerave të bashkëpunimit për shërbimet publike – ngre një rrjet
                qytetesh që përmirësojnë qeverisjen vendore përmes dialogut dhe pjesëmarrjes, me
                mbështetjen e programit „Evropa për Qytetarët”.
            """,
            body="""
                <p>Shoqata e Bashkive të Shqipërisë është një nga dhjetë partnerët nga e gjithë
                Evropa në projektin RECOV – REthinking Collaborative Values for public services.
                Partneri kryesor është Bashkia e Qendrës në Shkup, ndërsa koordinimi i përgjithshëm
                zbatohet nga ALDA, Shoqata Evropiane për Demokracinë Vendore, me mbështetjen e
                programit të BE-së „Evropa për Qytetarët”.</p>
                <p>Projekti krijon një rrjet qytetesh që punojnë së bashku për problemet e
                përbashkëta, me synimin për të përmirësuar qeverisjen vendore përmes dialogut dhe
                pjesëmarrjes. Veprimtaritë përfshijnë:</p>
                <ul>
                <li>katër ngjarje ndërkombëtare për mjetet TIK në qeverisjen e hapur, shërbimet
                publike bashkëpunuese, instrumentet financiare inovative për pushtetin vendor dhe
                pjesëmarrjen si nxitëse e zhvillimit vendor;</li>
                <li>veprimtari vendore në të gjitha vendet partnere;</li>
                <li>platforma për dialogun vendor ndërmjet autoriteteve vendore, qytetarëve dhe
                palëve të interesuara.</li>
                </ul>
                <p>Partnerët vijnë nga Shqipëria, Franca, Italia, Letonia, Maqedonia e Veriut,
                Portugalia, Rumania, Serbia dhe Sllovenia.</p>
            """,
        ),
        en=DemoText(
            title="""
                Albanian Association of Municipalities among ten European partners in the RECOV
                project
            """,
            summary="""
                RECOV – Rethinking Collaborative Values for public services – builds a network of
                towns that improve local governance through dialogue and participation, with
                support from the Europe for Citizens programme.
            """,
            body="""
                <p>The Albanian Association of Municipalities is one of ten partners from across
                Europe in RECOV – REthinking Collaborative Values for public services. The lead
                partner is the Municipality of Centar in Skopje, and the project is coordinated by
                ALDA, the European Association for Local Democracy, with support from the EU’s
                Europe for Citizens programme.</p>
                <p>The project creates a network of towns that work together on shared problems,
                with the aim of improving local governance through dialogue and participation.
                Its activities include:</p>
                <ul>
                <li>four international events on ICT tools for open government, collaborative
                public services, innovative financial instruments for local government, and
                participation as a driver of local development;</li>
                <li>local activities in every partner country;</li>
                <li>platforms for local dialogue between local authorities, citizens and
                stakeholders.</li>
                </ul>
                <p>The partners come from Albania, France, Italy, Latvia, North Macedonia,
                Portugal, Romania, Serbia and Slovenia.</p>
            """,
        ),
        topics=("local-government", "european-integration"),
        organisers="Shoqata e Bashkive të Shqipërisë, ALDA",
        published=At(-27, 10, 30),
    ),
    DemoEntry(
        kind=EntryKind.NEWS,
        slug="oshc-te-ne-monitorimin-e-proceseve-zgjedhore",
        sq=DemoText(
            title="""
                Projekt i financuar nga BE-ja forcon rolin e shoqërisë civile në monitorimin e
                zgjedhjeve
            """,
            summary="""
                QKBTAT dhe Instituti për Studime Politike dhe Ligjore po zbatojnë një projekt për
                të rritur pjesëmarrjen e OSHC-ve shqiptare në monitorimin e zgjedhjeve dhe në
                dialogun politik për reformën zgjedhore.
            """,
            body="""
                <p>Me financim nga Delegacioni i Bashkimit Evropian në Shqipëri, Qendra Kombëtare
                Burimore e Trajnimit dhe Asistencës Teknike (QKBTAT), në partneritet me Institutin
                për Studime Politike dhe Ligjore (IPLS), po zbaton projektin „Pjesëmarrja e
                OSHC-ve në proceset elektorale për një demokraci më të fortë dhe integrim të
                përshpejtuar në BE”.</p>
                <p>Projekti ka tri rezultate të pritshme:</p>
                <ul>
                <li>një program i përshtatur për rritjen e kapaciteteve të OSHC-ve që monitorojnë
                zgjedhjet dhe marrin pjesë në dialogun për reformën zgjedhore;</li>
                <li>studime politikash, fushata ndërgjegjësimi, tryeza të rrumbullakëta dhe një
                platformë digjitale e përbashkët për bashkërendimin dhe rrjetëzimin e
                OSHC-ve;</li>
                <li>nëngrante që u mundësojnë OSHC-ve të monitorojnë zgjedhjet e ardhshme të
                përgjithshme dhe të kontribuojnë në reformën zgjedhore.</li>
                </ul>
                <p>Nëngrantet do të jepen përmes një thirrjeje të hapur, e cila do të publikohet
                në këtë faqe.</p>
            """,
        ),
        en=DemoText(
            title="EU-funded action strengthens civil society’s role in monitoring elections",
            summary="""
                ANTTARC and the Institute for Political and Legal Studies are implementing an
                action to increase the participation of Albanian CSOs in election monitoring and
                in the policy dialogue on electoral reform.
            """,
            body="""
                <p>With funding from the EU Delegation to Albania, the Albanian National Training
                and Technical Assistance Resource Centre (ANTTARC), in partnership with the
                Institute for Political and Legal Studies (IPLS), is implementing the action
                “Participation of CSOs in electoral processes for a stronger democracy and
                accelerated EU integration”.</p>
                <p>The action has three expected results:</p>
                <ul>
                <li>a tailored capacity-building programme for CSOs that monitor elections and
                take part in the dialogue on electoral reform;</li>
                <li>policy research, awareness campaigns, round tables and a shared digital
                platform for coordination and networking among CSOs;</li>
                <li>sub-grants enabling CSOs to monitor the upcoming general elections and
                contribute to electoral reform.</li>
                </ul>
                <p>The sub-grants will be awarded through an open call, to be published on this
                site.</p>
            """,
        ),
        topics=("civil-society", "elections", "european-integration"),
        organisers="QKBTAT (ANTTARC), IPLS",
        published=At(-52, 9),
    ),
    DemoEntry(
        kind=EntryKind.NEWS,
        slug="pas-dites-informuese-per-te-rinjte-pese-ide-per-bashkite",
        sq=DemoText(
            title="Pas ditës informuese për të rinjtë: pesë ide që bashkitë morën me vete",
            summary="""
                Zyrtarë për rininë nga bashki të ndryshme të Shqipërisë ndanë hapat e parë që do
                të ndërmarrin pas ditës informuese për mundësitë e BE-së për të rinjtë.
            """,
            body="""
                <p>Dita informuese „Fuqizimi i të rinjve në nivel vendor” në Shkodër mblodhi
                zyrtarë për rininë, punonjës të bashkive dhe organizata rinore për t’u njohur me
                Erasmus+, Korpusin Evropian të Solidaritetit dhe rrjetin Europe Goes Local.</p>
                <p>Para se të largoheshin, pjesëmarrësit përmendën hapat që duan të ndërmarrin së
                pari:</p>
                <ul>
                <li>caktimin e një pike kontakti për të rinjtë në çdo bashki;</li>
                <li>hartëzimin e organizatave rinore dhe të grupeve joformale vendore;</li>
                <li>aplikime të përbashkëta me bashkitë fqinje për projekte të vogla
                Erasmus+;</li>
                <li>pritjen e vullnetarëve përmes Korpusit Evropian të Solidaritetit;</li>
                <li>organizimin e një forumi vjetor vendor të rinisë.</li>
                </ul>
                <p>Projekti „Bashkitë për Evropën” do t’i ndjekë këto hapa me secilën bashki
                gjatë muajve në vijim.</p>
            """,
        ),
        en=DemoText(
            title="After the youth info day: five ideas municipalities took home",
            summary="""
                Youth officers from municipalities across Albania shared the first steps they will
                take after the info day on EU opportunities for young people.
            """,
            body="""
                <p>The info day “Empowering Youth at the Local Level” in Shkodër brought together
                youth officers, municipal staff and youth organisations to learn about Erasmus+,
                the European Solidarity Corps and the Europe Goes Local network.</p>
                <p>Before leaving, participants named the steps they want to take first:</p>
                <ul>
                <li>appoint a youth contact point in every municipality;</li>
                <li>map local youth organisations and informal groups;</li>
                <li>apply jointly with neighbouring municipalities for small Erasmus+
                projects;</li>
                <li>host volunteers through the European Solidarity Corps;</li>
                <li>hold an annual local youth forum.</li>
                </ul>
                <p>The “Municipalities for Europe” project will follow up these steps with each
                municipality over the coming months.</p>
            """,
        ),
        topics=("youth", "local-government"),
        organisers="Bashkitë për Evropën, AKKSHI",
        published=None,
    ),
    # --- Events -----------------------------------------------------------------------
    DemoEntry(
        kind=EntryKind.EVENT,
        slug="punetori-me-taiex-standardet-e-sherbimeve-sociale-ne-nivel-vendor",
        sq=DemoText(
            title="Punëtori me TAIEX për standardet e shërbimeve sociale në nivel vendor",
            summary="""
                Punëtori njëditore me instrumentin TAIEX të Komisionit Evropian për punonjësit e
                shërbimeve sociale në bashki, drejtoritë rajonale dhe ofruesit e shërbimeve, mbi
                standardet e reja vendore.
            """,
            body=f"""
                <p>Agjencia për Mbështetjen e Vetëqeverisjes Vendore (AKKSHI), në bashkërendim me
                Ministrin e Shtetit për Pushtetin Vendor dhe Ministrinë e Shëndetësisë dhe
                Mbrojtjes Sociale, me mbështetjen e projektit „Bashkitë për Evropën” dhe të
                TAIEX-it – instrumentit të Komisionit Evropian për Asistencë Teknike dhe Shkëmbim
                Informacioni – organizon punëtorinë „Zhvillimi i standardeve në fushën e
                shërbimeve sociale në nivel vendor”.</p>
                <p>Punëtoria u drejtohet punonjësve të bashkive që punojnë në fushën sociale,
                drejtorive rajonale të Shërbimit Social Shtetëror dhe ofruesve të shërbimeve
                sociale. Ekspertë nga vendet e BE-së do të prezantojnë se si shtetet anëtare i
                përcaktojnë, i financojnë dhe i monitorojnë shërbimet sociale vendore.</p>
                <p>Projektstandardet janë njëkohësisht në
                <a href="{_CONSULTATION_URL}">konsultim publik</a>. Vendet janë të kufizuara,
                prandaj ju lutemi të regjistroheni paraprakisht.</p>
            """,
        ),
        en=DemoText(
            title="TAIEX workshop: developing standards for social services at local level",
            summary="""
                A one-day workshop with the European Commission’s TAIEX instrument for municipal
                social-services staff, regional directorates and service providers on the new
                local standards.
            """,
            body=f"""
                <p>The Agency for the Support of Local Self-Government (AKKSHI), in coordination
                with the Minister of State for Local Government and the Ministry of Health and
                Social Protection, and with the support of the “Municipalities for Europe” project
                and TAIEX – the European Commission’s Technical Assistance and Information
                Exchange instrument – is organising a workshop on “Developing Standards in the
                Field of Social Services at the Local Level”.</p>
                <p>The workshop is intended for municipal staff working in the social field, the
                regional directorates of the State Social Service and social-service providers.
                Experts from EU member states will present how they define, fund and monitor local
                social services.</p>
                <p>The draft standards are also open for
                <a href="{_CONSULTATION_URL}">public consultation</a>. Places are limited, so
                please register in advance.</p>
            """,
        ),
        topics=("social-services", "local-government", "european-integration"),
        organisers="AKKSHI, Ministria e Shëndetësisë dhe Mbrojtjes Sociale, "
        "Bashkitë për Evropën, TAIEX",
        published=At(-14, 9),
        starts_at=At(12, 9, 30),
        ends_at=At(12, 16),
        venue="Pallati i Kongreseve, Tiranë",
        registration_url="https://example.org/regjistrim/punetori-taiex-sherbimet-sociale",
    ),
    DemoEntry(
        kind=EntryKind.EVENT,
        slug="klinike-trajnimi-per-thirrjet-e-horizon-europe",
        sq=DemoText(
            title="Klinikë trajnimi për bashkitë mbi thirrjet e hapura të Horizon Europe",
            summary="""
                Klinikë dyditore ku ekipet e bashkive punojnë mbi thirrje reale të Horizon Europe
                me trajnerë të ASPA-s, nga përzgjedhja e temës deri te ngritja e konsorciumit.
            """,
            body="""
                <p>ASPA dhe projekti „Bashkitë për Evropën”, me AKKSHI-në në rolin e
                koordinatorit, zhvillojnë sesionin e radhës të klinikës së trajnimit për thirrjet
                e hapura të Horizon Europe, programit të BE-së për kërkimin dhe inovacionin.</p>
                <p>Gjatë dy ditëve, ekipet e bashkive të përzgjedhura përmes thirrjes për shprehje
                interesi do të:</p>
                <ul>
                <li>identifikojnë temat e Horizon Europe që u përkasin qyteteve, si qytetet
                klimatikisht neutrale, lëvizshmëria dhe shërbimet digjitale;</li>
                <li>mësojnë si ngrihen konsorciumet dhe çfarë roli mund të luajë një bashki në
                to;</li>
                <li>hartojnë skicën e një propozimi me mbështetjen e trajnerëve.</li>
                </ul>
                <p>Pjesëmarrja bëhet me ftesë për bashkitë e përzgjedhura.</p>
            """,
        ),
        en=DemoText(
            title="Horizon Europe training clinic for municipalities",
            summary="""
                A two-day clinic where municipal teams work on real Horizon Europe calls with ASPA
                trainers, from choosing a topic to building a consortium.
            """,
            body="""
                <p>ASPA and the “Municipalities for Europe” project, with AKKSHI as coordinator,
                are holding the next session of the training clinic on open calls under Horizon
                Europe, the EU’s research and innovation programme.</p>
                <p>Over two days, teams from the municipalities selected through the call for
                expressions of interest will:</p>
                <ul>
                <li>identify Horizon Europe topics relevant to cities, such as climate-neutral
                cities, mobility and digital services;</li>
                <li>learn how consortia are formed and what role a municipality can play in
                them;</li>
                <li>draft the outline of a proposal with the support of the trainers.</li>
                </ul>
                <p>Participation is by invitation for the selected municipalities.</p>
            """,
        ),
        topics=("funding", "training", "european-integration"),
        organisers="ASPA, Bashkitë për Evropën, AKKSHI (koordinator)",
        published=At(-6, 12),
        starts_at=At(20, 9),
        ends_at=At(21, 16, 30),
        venue="Salla e konferencave e Bashkisë Durrës, Durrës",
        registration_url="https://example.org/regjistrim/klinika-horizon-europe",
    ),
    DemoEntry(
        kind=EntryKind.EVENT,
        slug="fuqizimi-i-te-rinjve-ne-nivel-vendor-dite-informuese",
        sq=DemoText(
            title="Fuqizimi i të rinjve në nivel vendor: mundësitë e BE-së për bashkitë shqiptare",
            summary="""
                Ditë informuese për t’i afruar bashkitë me mundësitë evropiane për të rinjtë, me
                Beyond Barriers, SALTO dhe Europe Goes Local.
            """,
            body="""
                <p>Projekti „Bashkitë për Evropën”, në bashkëpunim me Agjencinë për Mbështetjen e
                Vetëqeverisjes Vendore, Beyond Barriers, SALTO dhe Europe Goes Local, organizon
                ditën informuese „Fuqizimi i të rinjve në nivel vendor: t’i afrojmë bashkitë
                shqiptare me mundësitë evropiane”.</p>
                <p>Zyrtarët për rininë në bashki dhe organizatat rinore do të mësojnë si të
                përfitojnë nga Erasmus+ dhe Korpusi Evropian i Solidaritetit, dhe do të njihen me
                mënyrën se si bashki të tjera evropiane e organizojnë punën me të rinjtë.</p>
                <p>Dita mbyllet me një sesion të hapur, ku bashkitë mund të takojnë organizatat
                rinore të zonës së tyre.</p>
            """,
        ),
        en=DemoText(
            title="""
                Empowering Youth at the Local Level: EU opportunities for Albanian
                municipalities
            """,
            summary="""
                An info day bringing Albanian municipalities closer to European opportunities for
                young people, with Beyond Barriers, SALTO and Europe Goes Local.
            """,
            body="""
                <p>The “Municipalities for Europe” project, in cooperation with the Agency for the
                Support of Local Self-Government, Beyond Barriers, SALTO and Europe Goes Local, is
                organising an info day on “Empowering Youth at the Local Level: Bringing Albanian
                Municipalities Closer to European Opportunities”.</p>
                <p>Municipal youth officers and youth organisations will learn how to make use of
                Erasmus+ and the European Solidarity Corps, and how other European municipalities
                organise their work with young people.</p>
                <p>The day ends with an open session where municipalities can meet the youth
                organisations of their area.</p>
            """,
        ),
        topics=("youth", "european-integration", "local-government"),
        organisers="Bashkitë për Evropën, AKKSHI, Beyond Barriers, SALTO, Europe Goes Local",
        # Already held: shows past events next to upcoming ones.
        published=At(-25, 11),
        starts_at=At(-6, 10),
        ends_at=At(-6, 15),
        venue="Qendra Rinore, Shkodër",
        registration_url="https://example.org/regjistrim/dita-informuese-te-rinjte",
    ),
    DemoEntry(
        kind=EntryKind.EVENT,
        slug="sesion-informues-online-nengrante-per-monitorimin-e-zgjedhjeve",
        sq=DemoText(
            title="Sesion informues online: nëngrante për OSHC-të që monitorojnë zgjedhjet",
            summary="""
                QKBTAT dhe IPLS shpjegojnë thirrjen për nëngrante, veprimtaritë e pranueshme dhe
                formularin e aplikimit, si dhe u përgjigjen pyetjeve të organizatave.
            """,
            body="""
                <p>Organizatat që synojnë të aplikojnë për nëngrantet për monitorimin e proceseve
                zgjedhore ftohen në një sesion informues online.</p>
                <p>Ekipi i QKBTAT-it dhe i IPLS-së do të prezantojë:</p>
                <ul>
                <li>objektivat e thirrjes dhe veprimtaritë e pranueshme;</li>
                <li>kush mund të aplikojë dhe si funksionojnë partneritetet;</li>
                <li>formularin e aplikimit, modelin e buxhetit dhe kriteret e vlerësimit.</li>
                </ul>
                <p>Pyetjet mund t’i dërgoni paraprakisht gjatë regjistrimit. Sesioni do të
                incizohet dhe prezantimi do t’u dërgohet të gjithë pjesëmarrësve të
                regjistruar.</p>
            """,
        ),
        en=DemoText(
            title="Online info session: sub-grants for CSOs monitoring elections",
            summary="""
                ANTTARC and IPLS explain the sub-grants call, the eligible activities and the
                application form, and answer questions from organisations.
            """,
            body="""
                <p>Organisations planning to apply for the sub-grants for monitoring electoral
                processes are invited to an online information session.</p>
                <p>The ANTTARC and IPLS team will present:</p>
                <ul>
                <li>the objectives of the call and the eligible activities;</li>
                <li>who can apply and how partnerships work;</li>
                <li>the application form, the budget template and the evaluation criteria.</li>
                </ul>
                <p>Questions can be sent in advance when registering. The session will be recorded
                and the slides shared with everyone who registered.</p>
            """,
        ),
        topics=("elections", "civil-society", "funding"),
        organisers="QKBTAT (ANTTARC), IPLS",
        published=At(-4, 9),
        starts_at=At(5, 11),
        ends_at=At(5, 12, 30),
        online_url="https://meet.example.org/nengrante-zgjedhore",
        registration_url="https://example.org/regjistrim/sesion-informues-nengrante",
    ),
    DemoEntry(
        kind=EntryKind.EVENT,
        slug="tryeze-e-rrumbullaket-shoqeria-civile-dhe-reforma-zgjedhore",
        sq=DemoText(
            title="Tryezë e rrumbullakët: shoqëria civile dhe reforma zgjedhore",
            summary="""
                OSHC-të, administrata zgjedhore dhe ekspertë diskutojnë gjetjet e monitorimit të
                zgjedhjeve të fundit dhe përparësitë e reformës zgjedhore.
            """,
            body="""
                <p>Në kuadër të projektit për pjesëmarrjen e OSHC-ve në proceset elektorale,
                QKBTAT dhe IPLS organizojnë një tryezë të rrumbullakët me organizata të shoqërisë
                civile, përfaqësues të administratës zgjedhore dhe ekspertë.</p>
                <p>Diskutimi do të përqendrohet te gjetjet e monitorimit të zgjedhjeve të fundit,
                te rekomandimet e vëzhguesve ndërkombëtarë dhe te mënyrat se si OSHC-të mund të
                marrin pjesë në dialogun politik për reformën zgjedhore.</p>
                <p>Tryeza është e hapur për OSHC-të aktive në proceset zgjedhore; çdo organizatë
                mund të regjistrojë deri në dy përfaqësues.</p>
            """,
        ),
        en=DemoText(
            title="Round table: civil society and electoral reform",
            summary="""
                CSOs, the election administration and experts discuss the findings of recent
                election monitoring and the priorities for electoral reform.
            """,
            body="""
                <p>As part of the action on the participation of CSOs in electoral processes,
                ANTTARC and IPLS are holding a round table with civil-society organisations,
                representatives of the election administration and experts.</p>
                <p>The discussion will focus on the findings of recent election monitoring, the
                recommendations of international observers and how CSOs can take part in the
                policy dialogue on electoral reform.</p>
                <p>The round table is open to CSOs active in electoral processes; each
                organisation may register up to two representatives.</p>
            """,
        ),
        topics=("elections", "civil-society"),
        organisers="QKBTAT (ANTTARC), IPLS",
        published=At(-7, 10),
        starts_at=At(26, 10),
        ends_at=At(26, 13, 30),
        venue="Qendra Kulturore, Elbasan",
        registration_url="https://example.org/regjistrim/tryeze-reforma-zgjedhore",
    ),
    DemoEntry(
        kind=EntryKind.EVENT,
        slug="qytete-te-gjelbra-dhe-te-zgjuara-punetori-per-bashkite",
        sq=DemoText(
            title="Qytete të gjelbra dhe të zgjuara: punëtori për planifikuesit e bashkive",
            summary="""
                Dy ditë për mënyrat se si bashkitë shqiptare mund të përdorin të dhënat, efiçencën
                e energjisë dhe transportin publik për qytete më të gjelbra dhe më të jetueshme.
            """,
            body="""
                <p>Më shumë se gjysma e popullsisë së botës jeton tashmë në qytete, dhe deri në
                vitin 2050 kjo pjesë do t’i afrohet 70%. Mënyra se si bashkitë planifikojnë
                energjinë, transportin dhe hapësirat publike do të përcaktojë sa të jetueshme do
                të mbeten qytetet tona.</p>
                <p>Kjo punëtori bashkon planifikues urbanë dhe specialistë të energjisë e të
                teknologjisë së informacionit nga bashkitë, për të punuar mbi hapa konkretë:</p>
                <ul>
                <li>efiçenca e energjisë në ndërtesat publike dhe në ndriçimin rrugor;</li>
                <li>transporti publik, lëvizja me biçikletë dhe parkimi i zgjuar;</li>
                <li>të dhëna të hapura dhe shërbime digjitale që qytetarët i përdorin
                realisht.</li>
                </ul>
                <p>Çdo bashki largohet me një plan të shkurtër veprimi, që mund ta përfshijë në
                strategjinë e saj të ardhshme të zhvillimit vendor.</p>
            """,
        ),
        en=DemoText(
            title="Green and smart cities: a workshop for municipal planners",
            summary="""
                Two days on how Albanian municipalities can use data, energy efficiency and public
                transport to make their cities greener and more liveable.
            """,
            body="""
                <p>More than half of the world’s population already lives in cities, and by 2050
                the share will approach 70%. How municipalities plan energy, transport and public
                space will decide how liveable our cities remain.</p>
                <p>This workshop brings together urban planners and energy and IT officers from
                municipalities to work on practical steps:</p>
                <ul>
                <li>energy efficiency in public buildings and street lighting;</li>
                <li>public transport, cycling and smart parking;</li>
                <li>open data and digital services that citizens actually use.</li>
                </ul>
                <p>Each municipality leaves with a short action plan it can include in its next
                local development strategy.</p>
            """,
        ),
        topics=("environment", "local-government"),
        organisers="Bashkia Korçë, Bashkitë për Evropën",
        published=At(-11, 10),
        starts_at=At(33, 9, 30),
        ends_at=At(34, 15),
        venue="Salla e Këshillit Bashkiak, Korçë",
        registration_url="https://example.org/regjistrim/qytete-te-gjelbra",
    ),
    # --- Open calls -------------------------------------------------------------------
    DemoEntry(
        kind=EntryKind.CALL,
        slug="thirrje-per-nengrante-oshc-monitorimi-i-proceseve-zgjedhore",
        sq=DemoText(
            title="Thirrje për propozime: nëngrante për OSHC-të që monitorojnë proceset zgjedhore",
            summary="""
                Organizatat e shoqërisë civile mund të aplikojnë për nëngrante për të monitoruar
                zgjedhjet e ardhshme të përgjithshme dhe procesin zgjedhor, si dhe për të
                kontribuar në reformën zgjedhore.
            """,
            body="""
                <p>QKBTAT dhe IPLS, me financim nga Delegacioni i Bashkimit Evropian në Shqipëri,
                ftojnë organizatat e shoqërisë civile të paraqesin propozime për nisma që:</p>
                <ul>
                <li>monitorojnë zgjedhjet e ardhshme të përgjithshme dhe procesin zgjedhor në
                tërësi;</li>
                <li>ndjekin dhe kontribuojnë në dialogun politik për reformën zgjedhore;</li>
                <li>informojnë dhe angazhojnë votuesit, veçanërisht ata që votojnë për herë të
                parë, gratë dhe pakicat.</li>
                </ul>
                <p>Organizatat e përzgjedhura do të përfshihen edhe në programin e projektit për
                rritjen e kapaciteteve. Udhëzimet e plota dhe formularin e aplikimit i gjeni në
                <a href="https://example.org/thirrje/nengrante-zgjedhore">faqen e
                thirrjes</a>.</p>
            """,
            eligibility="""
                <ul>
                <li>Organizata jofitimprurëse të regjistruara në Shqipëri prej të paktën një
                viti.</li>
                <li>Përvojë e dëshmuar në fushën e zgjedhjeve, të qeverisjes ose të pjesëmarrjes
                qytetare.</li>
                <li>Organizatat mund të aplikojnë vetëm ose në partneritet me deri në dy
                organizata të tjera.</li>
                </ul>
            """,
        ),
        en=DemoText(
            title="Call for proposals: sub-grants for CSOs monitoring electoral processes",
            summary="""
                Civil-society organisations can apply for sub-grants to monitor the upcoming
                general elections and the electoral process, and to contribute to electoral
                reform.
            """,
            body="""
                <p>ANTTARC and IPLS, with funding from the EU Delegation to Albania, invite
                civil-society organisations to submit proposals for initiatives that:</p>
                <ul>
                <li>monitor the upcoming general elections and the electoral process as a
                whole;</li>
                <li>follow and contribute to the policy dialogue on electoral reform;</li>
                <li>inform and engage voters, especially first-time voters, women and
                minorities.</li>
                </ul>
                <p>Selected organisations also join the capacity-building programme of the
                action. The full guidelines and the application form are on the
                <a href="https://example.org/thirrje/nengrante-zgjedhore">call page</a>.</p>
            """,
            eligibility="""
                <ul>
                <li>Non-profit organisations registered in Albania for at least one year.</li>
                <li>Proven experience in elections, governance or civic participation.</li>
                <li>Organisations may apply alone or in partnership with up to two others.</li>
                </ul>
            """,
        ),
        topics=("elections", "civil-society", "funding"),
        organisers="QKBTAT (ANTTARC), IPLS",
        published=At(-10, 9),
        opens_at=At(-10, 9),
        deadline=At(28, 23, 59),
        apply_url="https://example.org/thirrje/nengrante-zgjedhore/apliko",
        budget="EUR 5,000 – 15,000 per sub-grant",
    ),
    DemoEntry(
        kind=EntryKind.CALL,
        slug="thirrje-per-bashkite-klinika-e-trajnimit-horizon-europe",
        sq=DemoText(
            title="""
                Thirrje për shprehje interesi: bashkitë në klinikën e trajnimit për Horizon
                Europe
            """,
            summary="""
                Bashkitë që duan të aplikojnë në Horizon Europe mund të propozojnë një ekip deri
                në tre punonjës për klinikën e radhës dyditore të trajnimit.
            """,
            body="""
                <p>ASPA dhe projekti „Bashkitë për Evropën”, me koordinimin e AKKSHI-së, ftojnë
                bashkitë të shprehin interesin për klinikën e radhës të trajnimit për Horizon
                Europe.</p>
                <p>Çdo bashki propozon një ekip deri në tre persona, për shembull nga njësia e
                integrimit evropian, nga menaxhimi i projekteve dhe nga një drejtori teknike.
                Ekipet e përzgjedhura përfitojnë trajnim, këshillim individual dhe ndihmë për
                gjetjen e partnerëve.</p>
                <p>Pjesëmarrja është pa pagesë; organizatorët mbulojnë ushqimin dhe akomodimin për
                pjesëmarrësit që vijnë nga jashtë Durrësit.</p>
            """,
            eligibility="""
                <p>Të 61 bashkitë e Shqipërisë. Përparësi kanë bashkitë që kanë një njësi
                integrimi ose një zyrtar të caktuar për integrimin evropian dhe që nuk kanë marrë
                ende pjesë në klinikë.</p>
            """,
        ),
        en=DemoText(
            title="""
                Call for expressions of interest: municipalities for the Horizon Europe training
                clinic
            """,
            summary="""
                Municipalities that want to apply to Horizon Europe can nominate a team of up to
                three staff members for the next two-day training clinic.
            """,
            body="""
                <p>ASPA and the “Municipalities for Europe” project, coordinated by AKKSHI, invite
                municipalities to express their interest in the next Horizon Europe training
                clinic.</p>
                <p>Each municipality nominates a team of up to three people, for example from the
                European integration unit, project management and a technical directorate.
                Selected teams receive training, one-to-one coaching and help in finding
                partners.</p>
                <p>Participation is free of charge; the organisers cover meals and accommodation
                for participants from outside Durrës.</p>
            """,
            eligibility="""
                <p>All 61 municipalities of Albania. Priority is given to municipalities that have
                an integration unit or a designated European integration officer and have not yet
                taken part in the clinic.</p>
            """,
        ),
        topics=("funding", "training", "local-government"),
        organisers="ASPA, Bashkitë për Evropën, AKKSHI (koordinator)",
        published=At(-8, 10),
        deadline=At(10, 16),
        apply_url="https://example.org/thirrje/klinika-horizon-europe",
    ),
    DemoEntry(
        kind=EntryKind.CALL,
        slug="grante-te-vogla-per-nisma-rinore-ne-bashki",
        sq=DemoText(
            title="Grante të vogla për nisma rinore në bashki",
            summary="""
                Grupet dhe organizatat rinore mund të aplikojnë për grante të vogla për nisma
                vendore që zhvillohen së bashku me bashkinë e tyre.
            """,
            body="""
                <p>Pas ditës informuese për mundësitë e BE-së për të rinjtë, projekti „Bashkitë për
                Evropën” hap një skemë grantesh të vogla për nisma rinore që zbatohen së bashku me
                një bashki.</p>
                <p>Nismat mund të synojnë, për shembull, ngritjen e një këshilli rinor, përfshirjen
                e të rinjve në dëgjesat për buxhetin e bashkisë, organizimin e vullnetarizmit ose
                përgatitjen e një shkëmbimi të parë rinor Erasmus+.</p>
                <p>Çdo nismë duhet të ketë një letër mbështetjeje nga bashkia ku do të
                zbatohet.</p>
            """,
            eligibility="""
                <ul>
                <li>Organizata rinore të regjistruara në Shqipëri, ose grupe joformale me të
                paktën tre të rinj 16–29 vjeç që aplikojnë përmes një organizate të
                regjistruar.</li>
                <li>Letër mbështetjeje nga bashkia.</li>
                <li>Veprimtaritë përfundojnë brenda gjashtë muajve.</li>
                </ul>
            """,
        ),
        en=DemoText(
            title="Small grants for youth initiatives in municipalities",
            summary="""
                Youth groups and organisations can apply for small grants for local initiatives
                developed together with their municipality.
            """,
            body="""
                <p>Following the info day on EU opportunities for young people, the
                “Municipalities for Europe” project is opening a small grants scheme for youth
                initiatives carried out together with a municipality.</p>
                <p>Initiatives may, for example, set up a youth council, bring young people into
                the municipality’s budget hearings, organise volunteering or prepare a first
                Erasmus+ youth exchange.</p>
                <p>Each initiative needs a letter of support from the municipality where it takes
                place.</p>
            """,
            eligibility="""
                <ul>
                <li>Youth organisations registered in Albania, or informal groups of at least three
                young people aged 16–29 applying through a registered organisation.</li>
                <li>A letter of support from the municipality.</li>
                <li>Activities completed within six months.</li>
                </ul>
            """,
        ),
        topics=("youth", "funding"),
        organisers="Bashkitë për Evropën, AKKSHI",
        published=At(-5, 10),
        opens_at=At(-5, 10),
        deadline=At(35, 23, 59),
        apply_url="https://example.org/thirrje/grante-nisma-rinore",
        budget="EUR 1,000 – 3,000 per initiative",
    ),
    DemoEntry(
        kind=EntryKind.CALL,
        slug="konsultim-publik-projektstandardet-per-sherbimet-sociale-vendore",
        sq=DemoText(
            title="Konsultim publik: projektstandardet për shërbimet sociale vendore",
            summary="""
                Bashkitë, ofruesit e shërbimeve, OSHC-të dhe qytetarët mund të japin komente për
                projektstandardet e shërbimeve sociale që ofrohen në nivel vendor.
            """,
            body=f"""
                <p>Projektstandardet për shërbimet sociale në nivel vendor përcaktojnë kërkesat
                minimale për shërbime të tilla si kujdesi në shtëpi për të moshuarit, qendrat
                ditore për personat me aftësi të kufizuara dhe shërbimet në komunitet për fëmijët
                dhe familjet.</p>
                <p>Mirëpresim komente nëse standardet janë të qarta, të zbatueshme për bashkitë e
                vogla dhe të matshme. Të gjitha komentet do të shqyrtohen së bashku me përfundimet
                e punëtorisë me TAIEX dhe do të publikohet një përmbledhje e tyre.</p>
                <p>Komentet tuaja mund t’i dërgoni përmes
                <a href="{_CONSULTATION_URL}">formularit të konsultimit</a>.</p>
            """,
            eligibility="""
                <p>I hapur për të gjithë: bashkitë, drejtoritë rajonale, ofruesit publikë dhe
                jopublikë të shërbimeve, organizatat e shoqërisë civile dhe qytetarët.</p>
            """,
        ),
        en=DemoText(
            title="Public consultation: draft standards for local social services",
            summary="""
                Municipalities, service providers, CSOs and citizens can comment on the draft
                standards for social services delivered at local level.
            """,
            body=f"""
                <p>The draft standards for social services at local level set minimum
                requirements for services such as home care for older people, day centres for
                persons with disabilities and community services for children and families.</p>
                <p>We welcome comments on whether the standards are clear, realistic for small
                municipalities and measurable. All comments will be reviewed together with the
                conclusions of the TAIEX workshop, and a summary will be published.</p>
                <p>Please send your comments through the
                <a href="{_CONSULTATION_URL}">consultation form</a>.</p>
            """,
            eligibility="""
                <p>Open to everyone: municipalities, regional directorates, public and non-public
                service providers, civil-society organisations and individual citizens.</p>
            """,
        ),
        topics=("social-services", "local-government"),
        organisers="AKKSHI, Ministria e Shëndetësisë dhe Mbrojtjes Sociale",
        published=At(-2, 10),
        opens_at=At(-2, 9),
        deadline=At(24, 16),
        apply_url=_CONSULTATION_URL,
    ),
    DemoEntry(
        kind=EntryKind.CALL,
        slug="grante-te-vogla-per-vullnetarizem-dhe-pastrimin-e-lagjeve-ne-tirane",
        sq=DemoText(
            title="Grante të vogla për nisma vullnetarizmi dhe pastrimi të lagjeve në Tiranë",
            summary="""
                Organizatat e shoqërisë civile që veprojnë në Tiranë mund të aplikojnë për grante
                të vogla për aksione vullnetare që i mbajnë lagjet të pastra dhe të gjelbra.
            """,
            body="""
                <p>Pas takimit të hapur ndërmjet AMSHC-së, Bashkisë së Tiranës dhe organizatave të
                shoqërisë civile, një skemë grantesh të vogla mbështet aksionet vullnetare kundër
                ndotjes dhe për lagje më të pastra e më të gjelbra.</p>
                <p>Veprimtaritë e pranueshme përfshijnë ditë pastrimi, mbjelljen e pemëve dhe të
                hapësirave të gjelbra, fushata riciklimi në shkolla dhe përfshirjen e vullnetarëve
                të rinj në kujdesin për hapësirat publike.</p>
                <p>Përparësi kanë aksionet që vazhdojnë edhe pas përfundimit të grantit dhe
                partneritetet me shkollat dhe me këshillat e lagjeve.</p>
            """,
            eligibility="""
                <ul>
                <li>Organizata jofitimprurëse të regjistruara në bazën e të dhënave të OJF-ve të
                AMSHC-së dhe aktive në Bashkinë e Tiranës.</li>
                <li>Çdo organizatë mund të paraqesë vetëm një aplikim.</li>
                </ul>
            """,
        ),
        en=DemoText(
            title="Small grants for volunteering and neighbourhood clean-up initiatives in Tirana",
            summary="""
                Civil-society organisations active in Tirana can apply for small grants for
                volunteer actions that keep neighbourhoods clean and green.
            """,
            body="""
                <p>Following the open meeting between the ASCS, the Municipality of Tirana and
                civil-society organisations, a small grants scheme supports volunteer actions
                against pollution and for cleaner, greener neighbourhoods.</p>
                <p>Eligible activities include clean-up days, planting trees and green areas,
                recycling campaigns in schools and involving young volunteers in the care of
                public spaces.</p>
                <p>Priority is given to actions that continue after the grant ends and to
                partnerships with schools and neighbourhood councils.</p>
            """,
            eligibility="""
                <ul>
                <li>Non-profit organisations registered in the ASCS database of NGOs and active
                in the Municipality of Tirana.</li>
                <li>Each organisation may submit one application.</li>
                </ul>
            """,
        ),
        topics=("civil-society", "environment"),
        organisers="AMSHC, Bashkia Tiranë",
        # Closed a few days ago: shows that expired calls drop out of "open calls".
        published=At(-34, 10),
        opens_at=At(-34, 10),
        deadline=At(-4, 23, 59),
        apply_url="https://example.org/thirrje/grante-vullnetarizem-tirane",
        budget="EUR 500 – 2,000 per initiative",
    ),
)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _translation(locale: str, text: DemoText, slug: str | None) -> TranslationData:
    return TranslationData(
        locale=locale,
        title=_squash(text.title),
        summary=_squash(text.summary),
        body=_squash(text.body),
        slug=slug,
        eligibility=_squash(text.eligibility) if text.eligibility else None,
    )


async def _ensure_topic(topic: DemoTopic, position: int, settings: Settings) -> None:
    names = {
        loc: name for loc, name in (("sq", topic.sq), ("en", topic.en)) if loc in settings.locales
    }
    existing = await Topic.get_or_none(slug=topic.slug)
    if existing is None:
        await save_topic(topic.slug, names, position=position, actor=SYSTEM, settings=settings)
        return
    # Fill in missing names only: staff may have renamed or reordered demo topics.
    have = {tr.locale for tr in await TopicTranslation.filter(topic=existing)}
    missing = {loc: name for loc, name in names.items() if loc not in have}
    if missing:
        await save_topic(
            topic.slug, missing, position=existing.position, actor=SYSTEM, settings=settings
        )


async def _load_entry(item: DemoEntry, slug: str, today: date, settings: Settings) -> None:
    zone = settings.zone

    def when(at: At | None) -> datetime | None:
        return None if at is None else at.resolve(today, zone)

    translations = [
        _translation("sq", item.sq, slug),
        _translation("en", item.en, None),
    ]
    data = EntryData(
        kind=item.kind,
        translations=[tr for tr in translations if tr.locale in settings.locales],
        topics=item.topics,
        organisers=item.organisers,
        starts_at=when(item.starts_at),
        ends_at=when(item.ends_at),
        venue=item.venue,
        online_url=item.online_url,
        registration_url=item.registration_url,
        opens_at=when(item.opens_at),
        deadline=when(item.deadline),
        apply_url=item.apply_url,
        budget=item.budget,
    )
    # One transaction per entry: a draft left behind by a failed publish would be
    # skipped by every later run and never get published.
    async with in_transaction():
        entry = await create_entry(data, actor=SYSTEM, settings=settings)
        if item.published is not None:
            await publish_entry(entry.id, actor=SYSTEM, at=item.published.resolve(today, zone))


async def seed_demo(settings: Settings, now: datetime | None = None) -> DemoReport:
    """Load the demo topics and entries, skipping what is already there."""
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if DEMO_LOCALE not in settings.locales:
        raise ValueError(f"The demo content needs the {DEMO_LOCALE!r} locale to be configured.")
    today = now.astimezone(settings.zone).date()

    for position, topic in enumerate(DEMO_TOPICS, start=1):
        await _ensure_topic(topic, position * 10, settings)

    created = skipped = 0
    for item in DEMO_ENTRIES:
        slug = slug_from_title(item.slug)
        if await EntryTranslation.filter(locale=DEMO_LOCALE, slug=slug).exists():
            skipped += 1
            continue
        await _load_entry(item, slug, today, settings)
        created += 1
    return DemoReport(created=created, skipped=skipped, topics=len(DEMO_TOPICS))
