"""The Greater Manchester and Thames Valley reports of the library fixture, as data.

Grades per section and sentence edits of the Met 2017 text, as in
:mod:`tests.support.library_met_kent`.
"""

from __future__ import annotations

from tests.support.library_findings import (
    AFI_VICTIMS_INFORMED,
    GMP,
    GOOD,
    INADEQUATE,
    KEEP_VICTIMS_INFORMED,
    OUTSTANDING,
    RI,
    RI_VULNERABLE,
    SOUTH_EAST_FIREARMS,
    TVP,
    VICTIMS_NOT_UPDATED,
    ReportSpec,
    add,
    remove,
    replace,
)

GMP_2018 = ReportSpec(
    GMP,
    2018,
    {"overall": RI, "prevention": GOOD, "investigation": INADEQUATE, "vulnerability": RI, "soc": OUTSTANDING},
    (
        replace(
            "overall-judgement",
            "Greater Manchester Police requires improvement in keeping people safe and reducing crime, and "
            "its performance has declined since 2017.",
        ),
        replace(
            "progress-since-last",
            "Since our 2017 effectiveness inspection the force has made progress in some areas, but HMICFRS "
            "is concerned that the way it investigates crime has deteriorated.",
            key="investigation-deteriorated",
        ),
        replace(
            "investigation-summary",
            "The force’s approach to investigating crime and reducing re-offending is inadequate.",
        ),
        replace(
            "detective-vacancies",
            "It does not have enough detectives, and too many investigations are allocated to officers who "
            "lack the training to carry them out.",
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
            "burglary-prevention",
            "a knife crime prevention programme delivered in schools; and",
            key="knife-crime-schools",
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
            "The force should ensure that its new computer system allows crimes to be recorded accurately "
            "and investigations to be allocated and supervised.",
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
            "Greater Manchester Police is outstanding at tackling serious and organised crime (SOC), which "
            "it has identified as a major risk.",
        ),
        replace(
            "soc-evaluate-disruption",
            "It evaluates its disruption activity thoroughly and uses what it learns to maximise its "
            "effectiveness.",
            key="soc-evaluates-disruption",
        ),
        replace(
            "county-lines",
            "the Challenger partnership, which brings together the force, local councils and other agencies "
            "to dismantle organised crime groups.",
            key="challenger-partnership",
        ),
        replace(
            "soc-rating-good",
            "The force’s SOC local profiles, developed with its partners, are among the best HMICFRS has "
            "seen, but it should keep them up to date.",
            key="soc-profiles-exemplary",
        ),
        remove("afi-four-ps"),
        replace(
            "joint-firearms-assessment",
            "should set out its understanding of the unlawful use of firearms in a joint threat assessment "
            "with the other forces in the North West region.",
        ),
    ),
)
"""GMP a year later: Inadequate investigations (computer system), Outstanding on SOC, drugs diversion."""

TVP_2017 = ReportSpec(
    TVP,
    2017,
    {"overall": GOOD, "prevention": OUTSTANDING, "investigation": GOOD, "vulnerability": RI, "soc": GOOD},
    (
        replace(
            "overall-judgement", "Thames Valley Police is good at keeping people safe and reducing crime."
        ),
        replace(
            "problem-solving-evaluation",
            "It makes extensive use of problem-solving techniques to prevent crime and anti-social "
            "behaviour, and evaluates them to learn from previous experience and improve its effectiveness.",
            key="problem-solving-evaluated",
        ),
        replace(
            "investigation-summary", "The force is good at investigating crime and reducing re-offending."
        ),
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
            "Operation Roadshield, a road safety initiative run with the local councils, which targets "
            "speeding and drink-driving on rural roads and has reduced the number of people killed or "
            "seriously injured;",
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
            "asb-orders-unrecorded",
            "no record of how many times anti-social behaviour orders have been used; and",
        ),
        replace(
            "schools-officers", "removing schools officers from their neighbourhoods to backfill shortages."
        ),
        replace(
            "problem-solving-process",
            "The force has adopted a structured and consistent problem-solving process, and routinely "
            "evaluates and shares effective practice.",
            key="problem-solving-embedded",
        ),
        replace(
            "afi-problem-solving",
            "The force should ensure that its problem-solving approach is understood and used by its "
            "response officers as well as its neighbourhood teams.",
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
