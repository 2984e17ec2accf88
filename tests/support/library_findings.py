"""The vocabulary of the library fixture: specs, edits, forces, and the Met 2017 findings edited.

:data:`BASE` names the sentences (or bullet items) of the real Met 2017 report that the library
varies or that questions ask about, keyed by a short finding name. A report variant keeps each
of them (renamed for its force and years) unless one of its :class:`Edit` s removes or
replaces it. See :mod:`tests.support.library` for the library itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

OUTSTANDING, GOOD, RI, INADEQUATE = "Outstanding", "Good", "Requires improvement", "Inadequate"

SECTIONS: dict[str, str] = {
    "overall": "How effective is the force at keeping people safe and reducing crime?",
    "prevention": (
        "How effective is the force at preventing crime, tackling anti-social behaviour and keeping people "
        "safe?"
    ),
    "investigation": "How effective is the force at investigating crime and reducing re-offending?",
    "vulnerability": (
        "How effective is the force at protecting those who are vulnerable from harm, and supporting victims?"
    ),
    "soc": "How effective is the force at tackling serious and organised crime?",
    "specialist": "How effective are the force’s specialist capabilities?",
}
"""Short name -> the report's question heading (a level-1 section), in report order."""


PUBLISHED = {2016: "2017-03-02", 2017: "2018-03-22", 2018: "2019-05-02"}
"""Inspection round (a report's year) -> the day its effectiveness reports were published."""


@dataclass(frozen=True)
class Force:
    """A force as a report names it, and the local words that replace the Met's London ones."""

    name: str
    """Canonical name, as in ``assistant/forces.toml`` and the sidecar ("Kent Police")."""
    short: str
    """As in the report title ("Kent" -> "Kent PEEL 2017")."""
    called: str
    """How the text names it mid-sentence ("the Metropolitan Police Service", "Kent Police")."""
    slug: str
    places: tuple[tuple[str, str], ...] = ()
    """Met wording -> this force's, applied to every sentence no edit rewrites."""


@dataclass(frozen=True)
class Edit:
    """One sentence edit of the Met text, about finding ``key``.

    ``replace``: the base finding ``at`` becomes ``text`` (``key`` is ``at`` when the finding is
    only reworded, another key when the report says something else). ``remove``: finding ``at``
    goes (a whole paragraph or bullet line, or one sentence of a paragraph). ``add``: ``text`` is
    inserted ``before`` (or after) finding ``at`` in the same form -- a bullet next to a bullet,
    a paragraph next to a paragraph, a sentence next to a sentence.
    """

    op: Literal["replace", "remove", "add"]
    key: str
    at: str
    text: str = ""
    before: bool = True


def replace(at: str, text: str, key: str | None = None) -> Edit:
    return Edit("replace", key or at, at, text)


def remove(at: str) -> Edit:
    return Edit("remove", at, at)


def add(key: str, text: str, *, before: str | None = None, after: str | None = None) -> Edit:
    anchor = before or after
    if anchor is None or (before and after):
        raise ValueError(f"add({key!r}) needs exactly one of before= or after=")
    return Edit("add", key, anchor, text, before=before is not None)


@dataclass(frozen=True)
class ReportSpec:
    """One report of the library: who, when, its grade per section and its edits of the Met text."""

    force: Force
    year: int
    grades: dict[str, str | None]
    """Short section name (:data:`SECTIONS`) -> grade line, or None for no grade line."""
    edits: tuple[Edit, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.force.slug}-peel-{self.year}-effectiveness"

    @property
    def title(self) -> str:
        return f"{self.force.short} PEEL {self.year} — Effectiveness"

    @property
    def published(self) -> str:
        """ISO date the round's reports came out; also printed in the "Last updated" line."""
        return PUBLISHED[self.year]

    @property
    def publisher(self) -> str:
        """HMIC became HMICFRS in July 2017, so reports of the 2016 round say HMIC."""
        return "HMIC" if self.year <= 2016 else "HMICFRS"


# The forces of the library, and wording several of their reports share word for word.

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
RI_VULNERABLE = (
    "requires improvement in the way it protects those who are vulnerable from harm and supports victims."
)

BASE: dict[str, str] = {
    # How effective is the force at keeping people safe and reducing crime? (the summary)
    "overall-judgement": "The Metropolitan Police Service requires improvement in keeping people safe and "
    "reducing crime but in general its performance is better than in 2016.",
    "progress-since-last": "Since our 2016 effectiveness inspection the force has made progress in some "
    "areas, and HMICFRS is pleased to see that efforts have been made to ensure that improvements have "
    "been made throughout the force.",
    "local-policing-investment": "The force invests significantly in local policing and has a good "
    "understanding of its communities.",
    "problem-solving-evaluation": "However, although we found some good examples of officers and staff "
    "using problem-solving techniques to prevent crime and anti-social behaviour, there is little "
    "evaluation to enable them to learn from previous experience and improve their effectiveness.",
    "investigation-summary": "The force needs to improve its approach to investigating crime and reducing "
    "re-offending.",
    "detective-vacancies": "It is struggling to fill a large number of detective vacancies, despite the use "
    "of some innovative recruitment methods.",
    "detective-shortfall-effect": "This shortfall in officer numbers is having a detrimental effect on the "
    "quality of criminal investigations.",
    "vulnerability-summary": "The force must also improve the way it protects vulnerable people.",
    "domestic-abuse-improved": "Officers and staff are aware that ensuring they respond appropriately to "
    "them is a priority; improvements have been made to the way the force deals with vulnerable victims "
    "of crime, particularly in relation to domestic abuse.",
    "partnership-safeguarding": "However, the force must improve how it works with other agencies to "
    "safeguard victims.",
    "soc-responded-well": "The force has responded well in the areas for improvement relating to serious "
    "and organised crime which HMICFRS identified in 2016.",
    "soc-partners-hmrc-nca": "It has improved its understanding of serious and organised crime and manages "
    "organised crime groups well, involving teams across the force and working in collaboration with "
    "local partners, for instance other policing authorities, HM Revenue & Customs and the National "
    "Crime Agency.",
    "repeat-victims-diversion": "It works with victims to prevent repeat crimes against them, and also with "
    "potential perpetrators to divert them from criminality.",
    "organised-crime-advisors": "The organised crime advisors in the borough-based teams are a significant "
    "and innovative investment for the force.",
    "armed-response-arrangements": "The Metropolitan Police Service has the necessary arrangements in place "
    "to fulfil its national policing responsibilities and for initial response to an incident requiring "
    "an armed policing response.",
    # How effective is the force at preventing crime, tackling anti-social behaviour ...?
    "prevention-judgement": "The Metropolitan Police Service’s approach to tackling crime and anti-social "
    "behaviour is generally good.",
    "community-communication": "Its understanding of and communication with its communities is good.",
    "neighbourhood-investment": "It focuses on neighbourhood policing and is investing in it.",
    "initiatives-not-followed-through": "The force has some interesting initiatives, but it does not always "
    "follow these through or communicate them to its workforce.",
    "let-down-by": "As in 2016, the force’s effectiveness is let down by:",
    "inconsistent-practices": "inconsistency in its application of working practices;",
    "initiative-resources": "failures to provide the resources to implement its initiatives properly;",
    "initiative-monitoring": "lack of routine monitoring of the effectiveness of its initiatives; and",
    "workforce-communication": "some failures to communicate with the workforce.",
    "ward-officers": "the use of dedicated ward officers and Police Community Support Officers;",
    "operation-makesafe": "Operation Makesafe, focusing on community engagement and public awareness of "
    "child sexual exploitation;",
    "burglary-prevention": "introducing and monitoring a burglary prevention programme; and",
    "local-authority-deployment": "working with the local authority in one borough to ensure resources are "
    "deployed effectively.",
    "trainer-shortage": "a shortage of trainers leading to delays in training neighbourhood policing staff;",
    "asb-orders-unrecorded": "no record of how many times anti-social behaviour orders have been used;",
    "schools-officers": "removing schools officers from their neighbourhoods to backfill shortages; and",
    "problem-solving-tools": "inconsistent use of problem-solving tools.",
    "problem-solving-process": "The force needs to adopt a more structured and consistent problem-solving "
    "process, and routinely evaluate and share effective practice.",
    "afi-problem-solving": "The force should ensure that the structured and consistent problem-solving "
    "process it is implementing to enable it to tackle crime and anti-social behaviour more effectively "
    "is fully understood and used by its officers and staff.",
    "afi-share-practice": "The force should routinely evaluate and share effective practice, both internally "
    "and with partner organisations, continually to improve its approach to the prevention of crime and "
    "anti-social behaviour.",
    # How effective is the force at investigating crime and reducing re-offending?
    "investigation-judgement": "The Metropolitan Police Service needs to improve, and be more consistent, in "
    "its approach to the reduction of crime and re-offending.",
    "promising-initiative-spoiled": "Too often, the benefit of a promising initiative is spoiled by failure "
    "to consider all the necessary consequences.",
    "initial-response": "initial response to calls is inconsistent and not always prompt;",
    "evidence-retrieval": "early evidence retrieval is sometimes insufficient, and supervision of "
    "investigations lacking;",
    "detective-shortage": "detective shortages affect the quality of investigations; and",
    "pnc-records": "inadequate Police National Computer (PNC) records of pursuit of offenders.",
    "pathfinder-boroughs": "the Pathfinder Boroughs scheme, which brings together several borough commands, "
    "thus saving resources, and using response officers to investigate simple cases;",
    "victims-support-action": "victims are more likely to support police action on offences;",
    "offender-management": "innovative approaches to offender management; and",
    "reoffending-reduction": "a reduction in re-offending, including for domestic abuse and gang-related "
    "crimes.",
    "fraud-foreign-nationals": "The force’s particular remit of policing a city which is a financial hub and "
    "attracts many foreigners is reflected in the strength of its performance in relation to fraud and "
    "crimes committed by foreigners.",
    "improve-evidence-retrieval": "improve evidence retrieval;",
    "more-detectives": "increase the number of qualified detectives; and",
    "locate-wanted": "ensure that those who appear as wanted on the PNC are swiftly located and arrested.",
    "afi-evidence": "The force should ensure that all evidence is retrieved at the first opportunity in "
    "order to maximise the likelihood of investigations being concluded successfully.",
    "afi-detectives": "The force should continue to seek to increase the number of qualified detectives in "
    "order to improve the quality of its investigations.",
    "afi-wanted": "The force should ensure that those who are circulated as wanted on the police national "
    "computer are swiftly located and arrested.",
    # How effective is the force at protecting those who are vulnerable from harm ...?
    "vulnerability-judgement": "While the Metropolitan Police Service is doing better in this area than in "
    "2016, more needs to be done.",
    "vulnerability-strategy": "The force understands its responsibilities, has a strategy in place to "
    "fulfil them, and generally works well with other organisations.",
    "mental-health-support-varies": "However, the support for officers dealing with people with mental "
    "health illness differs across the force area.",
    "mental-health-not-assessed": "These different approaches have not been assessed to understand best "
    "practice.",
    "modern-slavery-understanding": "frontline staff have a limited understanding of modern slavery;",
    "thrive-inconsistent": "assessment of risk and subsequent safeguarding is inconsistent (the THRIVE "
    "process for risk assessment is not always used), and multi-agency risk assessment conferences are "
    "not always used in all appropriate cases;",
    "specialist-unit-shortages": "there are staff shortages in specialist investigative units;",
    "legal-powers": "there is not enough use of legal powers to protect vulnerable victims; and",
    "sex-offenders": "there is insufficient input from local teams into dealing with known sex offenders.",
    "vulnerability-campaign": "an internal communications campaign focuses on vulnerability;",
    "mental-health-liaison": "volunteer mental health liaison officers have been appointed in all boroughs "
    "and meet regularly; and",
    "partner-work-effective": "work with partner organisations is generally effective.",
    "afi-thrive": "The force should improve its initial assessment and response to incidents involving "
    "vulnerable people by ensuring that staff working in call handling understand and apply consistently "
    "the THRIVE decision-making model.",
    "afi-specialist-workloads": "The force should improve the quality of investigations involving "
    "vulnerable people, ensuring that the workloads of specialist investigators are manageable at all "
    "times and that such investigations are subject to regular and active supervision.",
    "afi-protection-orders": "The force should review its use of domestic violence protection orders, "
    "domestic violence protection notices and Clare’s Law to ensure that it is making best use of these "
    "powers to safeguard victims of domestic abuse.",
    # How effective is the force at tackling serious and organised crime?
    "soc-judgement": "The Metropolitan Police Service has a good understanding of serious and organised "
    "crime (SOC), which it has identified as a major risk.",
    "ocg-mapping": "Its mapping and archiving of organised crime groups complies with national guidelines.",
    "soc-disruption-partners": "The force works well with partner organisations and regional organised "
    "crime units to plan and carry out disruption of SOC activities both in and outside London.",
    "soc-evaluate-disruption": "However, the force still needs to improve how it evaluates its disruption "
    "activity to maximise its effectiveness.",
    "soc-prevention-good": "The force is good at preventing SOC, including gang crime, using a variety of "
    "tools and communicating well with the public.",
    "pilot-organised-crime-officers": "appointing organised crime officers in three pilot boroughs to "
    "improve local understanding of local officers;",
    "soc-partnership-group": "establishing the London Serious and Organised Crime Partnership Group; and",
    "county-lines": "effective use of modern slavery powers against ‘county-lines’ drugs activity.",
    "soc-rating-good": "Despite the rating of ‘good’ and the improvement over last year, the force needs to "
    "improve its SOC profiles in collaboration with its partners.",
    "afi-soc-profiles": "The force should develop further its serious and organised crime local profiles, "
    "in conjunction with other interested parties, to enhance its understanding of the threat posed by "
    "serious and organised crime and inform joint activity aimed at reducing this threat.",
    "afi-four-ps": "The force should improve its understanding of the impact of its activity on serious and "
    "organised crime across the four Ps (pursue, prevent, protect and prepare), and ensure that it learns "
    "from experience to maximise the force’s disruptive effect on this activity.",
    # How effective are the force's specialist capabilities?
    "mobilisation": "frequently tests its ability to mobilise large numbers of officers to major incidents "
    "or mass casualty disasters; and",
    "armed-attack-threat": "has developed a good understanding of the threat to the public from an armed "
    "attack.",
    "joint-firearms-assessment": "should set out its understanding of the unlawful use of firearms in a "
    "joint threat assessment with City of London Police and British Transport Police.",
}
"""Finding name -> its exact text in the Met 2017 report (each occurs there exactly once)."""
