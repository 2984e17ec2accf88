"""The reports of the library fixture as data: force, year, grades per section and sentence edits.

Every report is the Met 2017 text renamed for its force and years, with the grade lines of the
table and the edits listed (see :mod:`tests.support.library_findings` for the edit rules and
:mod:`tests.support.library` for what the library is for).
"""

from __future__ import annotations

from tests.support.library_findings import (
    GOOD,
    INADEQUATE,
    OUTSTANDING,
    RI,
    Force,
    ReportSpec,
    add,
    remove,
    replace,
)

MET = Force("Metropolitan Police Service", "Metropolitan", "the Metropolitan Police Service", "metropolitan")


def _county(name: str, short: str, unit: str, units: str) -> Force:
    return Force(
        name,
        short,
        name,
        short.lower().replace(" ", "-"),
        (
            ("London", short),
            ("borough-based teams", "local policing teams"),
            ("boroughs", units),
            ("borough", unit),
            ("ward officers", "neighbourhood officers"),
        ),
    )


KENT = _county("Kent Police", "Kent", "district", "districts")
GMP = _county("Greater Manchester Police", "Greater Manchester", "district", "districts")
TVP = _county("Thames Valley Police", "Thames Valley", "local policing area", "local policing areas")

SOUTH_EAST_FIREARMS = (
    "should set out its understanding of the unlawful use of firearms in a joint threat assessment with "
    "the other forces in the south east region."
)
VICTIMS_NOT_UPDATED = "some victims are not kept informed about the progress of their case; and"
KEEP_VICTIMS_INFORMED = "improve the way it keeps victims informed about their case; and"
AFI_VICTIMS_INFORMED = (
    "The force should ensure that victims are kept informed about the progress of their case, in line "
    "with the Code of Practice for Victims of Crime."
)
TRIAGE_PILOT = "a mental health triage scheme is being piloted with local health services; and"
KENT_PORTS = (
    "The force’s particular remit of policing the county’s ports and the Channel Tunnel is reflected in "
    "the strength of its work against organised immigration crime and human trafficking."
)
RI_VULNERABLE = "requires improvement in the way it protects those who are vulnerable from harm and supports victims."

MET_2017 = ReportSpec(
    MET,
    2017,
    "2018-03-22",
    {"overall": RI, "prevention": None, "investigation": RI, "vulnerability": RI, "soc": None},
)
"""The real report, unchanged. Its scrape has no grade lines for prevention and SOC."""

MET_2016 = ReportSpec(
    MET,
    2016,
    "2017-03-02",
    {"overall": RI, "prevention": RI, "investigation": RI, "vulnerability": INADEQUATE, "soc": RI},
    (
        replace(
            "overall-judgement",
            "The Metropolitan Police Service requires improvement in keeping people safe and reducing crime, "
            "and its performance has not improved since 2015.",
        ),
        replace(
            "progress-since-last",
            "Since our 2015 effectiveness inspection the force has made limited progress, and HMIC is "
            "concerned that improvements have not been made consistently throughout the force.",
            key="limited-progress",
        ),
        replace("vulnerability-summary", "HMIC has serious concerns about the way the force protects vulnerable people."),
        replace(
            "domestic-abuse-improved",
            "Officers and staff are aware that ensuring they respond appropriately to them is a priority, but "
            "too many victims of domestic abuse wait too long for an officer to attend.",
            key="domestic-abuse-delays",
        ),
        replace(
            "soc-responded-well",
            "The force needs to improve the way it tackles serious and organised crime.",
            key="soc-improvement-needed",
        ),
        replace(
            "soc-partners-hmrc-nca",
            "It works in collaboration with local partners, for instance other policing authorities, HM Revenue "
            "& Customs and the National Crime Agency, but it does not yet manage organised crime groups "
            "consistently across the force.",
        ),
        remove("organised-crime-advisors"),
        replace(
            "prevention-judgement",
            "The Metropolitan Police Service requires improvement in its approach to tackling crime and "
            "anti-social behaviour.",
        ),
        replace(
            "pathfinder-boroughs",
            "plans to bring several borough commands together and to use response officers to investigate "
            "simple cases, which are at an early stage;",
            key="borough-mergers-planned",
        ),
        replace(
            "vulnerability-judgement",
            "The Metropolitan Police Service is inadequate at protecting those who are vulnerable from harm and "
            "supporting victims.",
        ),
        replace(
            "vulnerability-strategy",
            "The force understands its responsibilities, but it does not yet have a strategy in place to fulfil "
            "them, and its work with other organisations is inconsistent.",
            key="vulnerability-no-strategy",
        ),
        add(
            "missing-children",
            "missing children are not always treated as vulnerable, and risk assessments for missing children "
            "are often incomplete;",
            before="modern-slavery-understanding",
        ),
        replace("mental-health-liaison", TRIAGE_PILOT, key="mental-health-triage-pilot"),
        replace(
            "soc-judgement",
            "The Metropolitan Police Service requires improvement in the way it tackles serious and organised "
            "crime (SOC), although it has identified SOC as a major risk.",
        ),
        replace(
            "soc-rating-good",
            "The force needs to develop its SOC local profiles in collaboration with its partners before it can "
            "understand the full threat.",
            key="soc-profiles-needed",
        ),
    ),
)
"""The Met a round earlier: worse grades (Inadequate on vulnerability), no 2017 innovations yet."""

KENT_2016 = ReportSpec(
    KENT,
    2016,
    "2017-03-02",
    {"overall": GOOD, "prevention": GOOD, "investigation": RI, "vulnerability": GOOD, "soc": GOOD},
    (
        replace("overall-judgement", "Kent Police is good at keeping people safe and reducing crime."),
        replace("vulnerability-summary", "The force is also good at protecting vulnerable people."),
        replace(
            "partnership-safeguarding",
            "It works well with other agencies to safeguard victims.",
            key="partnership-safeguarding-good",
        ),
        remove("operation-makesafe"),
        remove("pathfinder-boroughs"),
        replace("fraud-foreign-nationals", KENT_PORTS, key="ports-immigration-crime"),
        replace(
            "vulnerability-judgement",
            "Kent Police is good at protecting those who are vulnerable from harm and supporting victims.",
        ),
        remove("modern-slavery-understanding"),
        replace("mental-health-liaison", TRIAGE_PILOT, key="mental-health-triage-pilot"),
        replace(
            "soc-judgement",
            "Kent Police is good at tackling serious and organised crime (SOC), which it has identified as a "
            "major risk.",
        ),
        replace("joint-firearms-assessment", SOUTH_EAST_FIREARMS),
    ),
)
"""Kent a round earlier: Good except investigations, still short of detectives."""

KENT_2017 = ReportSpec(
    KENT,
    2017,
    "2018-03-22",
    {"overall": GOOD, "prevention": GOOD, "investigation": GOOD, "vulnerability": GOOD, "soc": GOOD},
    (
        replace(
            "overall-judgement",
            "Kent Police is good at keeping people safe and reducing crime, and its performance has improved "
            "since 2016.",
        ),
        replace("investigation-summary", "The force is good at investigating crime and reducing re-offending."),
        replace(
            "detective-vacancies",
            "It has filled its detective vacancies through an innovative recruitment campaign, and the quality "
            "of its criminal investigations has improved as a result.",
            key="detectives-recruited",
        ),
        remove("detective-shortfall-effect"),
        replace("vulnerability-summary", "The force is also good at protecting vulnerable people."),
        replace(
            "partnership-safeguarding",
            "It works well with other agencies to safeguard victims.",
            key="partnership-safeguarding-good",
        ),
        remove("operation-makesafe"),
        replace(
            "investigation-judgement",
            "Kent Police is good at investigating crime and reducing re-offending, and its approach is "
            "consistent across the county.",
        ),
        remove("promising-initiative-spoiled"),
        replace("detective-shortage", VICTIMS_NOT_UPDATED, key="victims-not-updated"),
        replace(
            "pathfinder-boroughs",
            "a new investigation management unit, which reviews every recorded crime within 24 hours and "
            "allocates it to the right team;",
            key="investigation-management-unit",
        ),
        replace("fraud-foreign-nationals", KENT_PORTS, key="ports-immigration-crime"),
        replace("more-detectives", KEEP_VICTIMS_INFORMED, key="keep-victims-informed"),
        remove("afi-detectives"),
        add("afi-victims-informed", AFI_VICTIMS_INFORMED, after="afi-evidence"),
        replace(
            "vulnerability-judgement",
            "Kent Police is good at protecting those who are vulnerable from harm and supporting victims.",
        ),
        replace(
            "mental-health-support-varies",
            "The force has a mental health triage scheme in which a mental health nurse and an officer attend "
            "incidents together.",
            key="mental-health-triage",
        ),
        replace(
            "mental-health-not-assessed",
            "The scheme has been evaluated, and it has reduced the number of people detained under the Mental "
            "Health Act.",
            key="mental-health-triage-evaluated",
        ),
        remove("modern-slavery-understanding"),
        remove("specialist-unit-shortages"),
        remove("afi-specialist-workloads"),
        replace(
            "soc-judgement",
            "Kent Police is good at tackling serious and organised crime (SOC), which it has identified as a "
            "major risk.",
        ),
        replace("joint-firearms-assessment", SOUTH_EAST_FIREARMS),
    ),
)
"""Kent: Good in every area; detective vacancies filled; victims not always kept informed."""

GMP_2018 = ReportSpec(
    GMP,
    2018,
    "2019-05-02",
    {"overall": RI, "prevention": GOOD, "investigation": INADEQUATE, "vulnerability": RI, "soc": OUTSTANDING},
    (
        replace(
            "overall-judgement",
            "Greater Manchester Police requires improvement in keeping people safe and reducing crime, and its "
            "performance has declined since 2017.",
        ),
        replace(
            "progress-since-last",
            "Since our 2017 effectiveness inspection the force has made progress in some areas, but HMICFRS is "
            "concerned that the way it investigates crime has deteriorated.",
            key="investigation-deteriorated",
        ),
        replace(
            "investigation-summary",
            "The force’s approach to investigating crime and reducing re-offending is inadequate.",
        ),
        replace(
            "detective-vacancies",
            "It does not have enough detectives, and too many investigations are allocated to officers who lack "
            "the training to carry them out.",
        ),
        replace(
            "prevention-judgement",
            "Greater Manchester Police is good at preventing crime and tackling anti-social behaviour.",
        ),
        add(
            "drugs-diversion",
            "Operation Tessellate, which diverts people found in possession of small amounts of drugs into "
            "education and treatment rather than the courts;",
            before="ward-officers",
        ),
        replace(
            "burglary-prevention", "a knife crime prevention programme delivered in schools; and", key="knife-crime-schools"
        ),
        replace(
            "investigation-judgement",
            "Greater Manchester Police is inadequate at investigating crime and reducing re-offending.",
        ),
        add(
            "computer-system-problems",
            "problems with the force’s new computer system mean that some crimes are not recorded and some "
            "investigations are not allocated to an officer;",
            before="initial-response",
        ),
        remove("pathfinder-boroughs"),
        remove("fraud-foreign-nationals"),
        add(
            "afi-computer-system",
            "The force should ensure that its new computer system allows crimes to be recorded accurately and "
            "investigations to be allocated and supervised.",
            before="afi-evidence",
        ),
        replace("vulnerability-judgement", f"Greater Manchester Police {RI_VULNERABLE}"),
        add(
            "domestic-abuse-backlog",
            "there is a backlog of domestic abuse cases awaiting a risk assessment by specialist staff;",
            before="legal-powers",
        ),
        replace(
            "soc-judgement",
            "Greater Manchester Police is outstanding at tackling serious and organised crime (SOC), which it "
            "has identified as a major risk.",
        ),
        replace(
            "soc-evaluate-disruption",
            "It evaluates its disruption activity thoroughly and uses what it learns to maximise its "
            "effectiveness.",
            key="soc-evaluates-disruption",
        ),
        replace(
            "county-lines",
            "the Challenger partnership, which brings together the force, local councils and other agencies to "
            "dismantle organised crime groups.",
            key="challenger-partnership",
        ),
        replace(
            "soc-rating-good",
            "The force’s SOC local profiles, developed with its partners, are among the best HMICFRS has seen, "
            "but it should keep them up to date.",
            key="soc-profiles-exemplary",
        ),
        remove("afi-four-ps"),
        replace(
            "joint-firearms-assessment",
            "should set out its understanding of the unlawful use of firearms in a joint threat assessment with "
            "the other forces in the North West region.",
        ),
    ),
)
"""GMP a year later: Inadequate investigations (computer system), Outstanding on SOC, drugs diversion."""

TVP_2017 = ReportSpec(
    TVP,
    2017,
    "2018-03-22",
    {"overall": GOOD, "prevention": OUTSTANDING, "investigation": GOOD, "vulnerability": RI, "soc": GOOD},
    (
        replace("overall-judgement", "Thames Valley Police is good at keeping people safe and reducing crime."),
        replace(
            "problem-solving-evaluation",
            "It makes extensive use of problem-solving techniques to prevent crime and anti-social behaviour, "
            "and evaluates them to learn from previous experience and improve its effectiveness.",
            key="problem-solving-evaluated",
        ),
        replace("investigation-summary", "The force is good at investigating crime and reducing re-offending."),
        remove("detective-vacancies"),
        remove("detective-shortfall-effect"),
        replace(
            "prevention-judgement",
            "Thames Valley Police is outstanding at preventing crime and tackling anti-social behaviour.",
        ),
        replace(
            "initiatives-not-followed-through",
            "The force has some interesting initiatives, and it follows these through and communicates them "
            "well to its workforce.",
            key="initiatives-followed-through",
        ),
        *(
            remove(k)
            for k in (
                "let-down-by",
                "inconsistent-practices",
                "initiative-resources",
                "initiative-monitoring",
                "workforce-communication",
            )
        ),
        add(
            "road-safety",
            "Operation Roadshield, a road safety initiative run with the local councils, which targets speeding "
            "and drink-driving on rural roads and has reduced the number of people killed or seriously injured;",
            before="ward-officers",
        ),
        add(
            "rural-crime",
            "a rural crime taskforce that works with farmers and landowners to tackle hare coursing and the "
            "theft of farm machinery;",
            before="ward-officers",
        ),
        remove("operation-makesafe"),
        remove("trainer-shortage"),
        remove("problem-solving-tools"),
        replace(
            "asb-orders-unrecorded", "no record of how many times anti-social behaviour orders have been used; and"
        ),
        replace("schools-officers", "removing schools officers from their neighbourhoods to backfill shortages."),
        replace(
            "problem-solving-process",
            "The force has adopted a structured and consistent problem-solving process, and routinely "
            "evaluates and shares effective practice.",
            key="problem-solving-embedded",
        ),
        replace(
            "afi-problem-solving",
            "The force should ensure that its problem-solving approach is understood and used by its response "
            "officers as well as its neighbourhood teams.",
            key="afi-problem-solving-response",
        ),
        remove("afi-share-practice"),
        replace(
            "investigation-judgement",
            "Thames Valley Police is good at investigating crime and reducing re-offending.",
        ),
        remove("promising-initiative-spoiled"),
        replace("detective-shortage", VICTIMS_NOT_UPDATED, key="victims-not-updated"),
        remove("pathfinder-boroughs"),
        remove("fraud-foreign-nationals"),
        replace("more-detectives", KEEP_VICTIMS_INFORMED, key="keep-victims-informed"),
        remove("afi-detectives"),
        add("afi-victims-informed", AFI_VICTIMS_INFORMED, after="afi-evidence"),
        replace("vulnerability-judgement", f"Thames Valley Police {RI_VULNERABLE}"),
        add(
            "digital-forensics-backlog",
            "there are delays in examining digital devices, such as mobile phones, in cases involving "
            "vulnerable victims;",
            before="legal-powers",
        ),
        replace(
            "soc-judgement",
            "Thames Valley Police is good at tackling serious and organised crime (SOC), which it has "
            "identified as a major risk.",
        ),
        replace("joint-firearms-assessment", SOUTH_EAST_FIREARMS),
    ),
)
"""Thames Valley: Outstanding at prevention (road safety, rural crime), no detective shortage."""

REPORTS: tuple[ReportSpec, ...] = (MET_2017, MET_2016, KENT_2016, KENT_2017, GMP_2018, TVP_2017)
