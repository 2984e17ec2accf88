"""The Met and Kent reports of the library fixture, as data: grades per section and sentence edits.

Every report is the Met 2017 text renamed for its force and years, with the grade lines of the
table and the edits listed (rules: :class:`tests.support.library_findings.Edit`; what the library
is for: :mod:`tests.support.library`).
"""

from __future__ import annotations

from tests.support.library_findings import (
    AFI_VICTIMS_INFORMED,
    GOOD,
    INADEQUATE,
    KEEP_VICTIMS_INFORMED,
    KENT,
    KENT_PORTS,
    MET,
    RI,
    SOUTH_EAST_FIREARMS,
    TRIAGE_PILOT,
    VICTIMS_NOT_UPDATED,
    ReportSpec,
    add,
    remove,
    replace,
)

MET_2017 = ReportSpec(
    MET,
    2017,
    {"overall": RI, "prevention": None, "investigation": RI, "vulnerability": RI, "soc": None},
)
"""The real report, unchanged. Its scrape has no grade lines for prevention and SOC."""

MET_2016 = ReportSpec(
    MET,
    2016,
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
        replace(
            "vulnerability-summary",
            "HMIC has serious concerns about the way the force protects vulnerable people.",
        ),
        replace(
            "domestic-abuse-improved",
            "Officers and staff are aware that ensuring they respond appropriately to them is a priority, "
            "but too many victims of domestic abuse wait too long for an officer to attend.",
            key="domestic-abuse-delays",
        ),
        replace(
            "soc-responded-well",
            "The force needs to improve the way it tackles serious and organised crime.",
            key="soc-improvement-needed",
        ),
        replace(
            "soc-partners-hmrc-nca",
            "It works in collaboration with local partners, for instance other policing authorities, HM "
            "Revenue & Customs and the National Crime Agency, but it does not yet manage organised crime "
            "groups consistently across the force.",
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
            "The Metropolitan Police Service is inadequate at protecting those who are vulnerable from harm "
            "and supporting victims.",
        ),
        replace(
            "vulnerability-strategy",
            "The force understands its responsibilities, but it does not yet have a strategy in place to "
            "fulfil them, and its work with other organisations is inconsistent.",
            key="vulnerability-no-strategy",
        ),
        add(
            "missing-children",
            "missing children are not always treated as vulnerable, and risk assessments for missing "
            "children are often incomplete;",
            before="modern-slavery-understanding",
        ),
        replace("mental-health-liaison", TRIAGE_PILOT, key="mental-health-triage-pilot"),
        replace(
            "soc-judgement",
            "The Metropolitan Police Service requires improvement in the way it tackles serious and "
            "organised crime (SOC), although it has identified SOC as a major risk.",
        ),
        replace(
            "soc-rating-good",
            "The force needs to develop its SOC local profiles in collaboration with its partners before it "
            "can understand the full threat.",
            key="soc-profiles-needed",
        ),
    ),
)
"""The Met a round earlier: worse grades (Inadequate on vulnerability), no 2017 innovations yet."""

KENT_2016 = ReportSpec(
    KENT,
    2016,
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
    {"overall": GOOD, "prevention": GOOD, "investigation": GOOD, "vulnerability": GOOD, "soc": GOOD},
    (
        replace(
            "overall-judgement",
            "Kent Police is good at keeping people safe and reducing crime, and its performance has improved "
            "since 2016.",
        ),
        replace(
            "investigation-summary", "The force is good at investigating crime and reducing re-offending."
        ),
        replace(
            "detective-vacancies",
            "It has filled its detective vacancies through an innovative recruitment campaign, and the "
            "quality of its criminal investigations has improved as a result.",
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
            "The force has a mental health triage scheme in which a mental health nurse and an officer "
            "attend incidents together.",
            key="mental-health-triage",
        ),
        replace(
            "mental-health-not-assessed",
            "The scheme has been evaluated, and it has reduced the number of people detained under the "
            "Mental Health Act.",
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
