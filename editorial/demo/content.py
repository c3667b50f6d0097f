"""The demo's people, references and editorial policy, as plain data.

Each record carries the stable key the loader matches on (username, member slug,
citation key), so loading twice updates rows instead of duplicating them. Identifiers
(DOI, PMID, NCT) are given only where they were checked against the publisher or
PubMed record; a wrong identifier would send readers to the wrong paper.
"""

from dataclasses import dataclass

# Published in the README and printed by the command: demo sites only.
DEMO_PASSWORD = "medreview-demo"  # noqa: S105

EDITORS_GROUP = "Editors"
REVIEWERS_GROUP = "Reviewers"
# The roles migration creates both groups. Should "Editors" be missing, the loader
# creates it with the permissions of these apps, without the reviewer-only ones.
EDITOR_APP_LABELS = ("articles", "references", "reviewers", "editorial")
REVIEWER_ONLY_PERMISSIONS = ("review_article",)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    is_staff: bool
    group: str

    @property
    def email(self) -> str:
        return f"{self.username}@medreview.invalid"


@dataclass(frozen=True)
class DemoBoardMember:
    slug: str
    display_name: str
    credentials: str
    specialty: str
    institution: str
    bio: str
    conflict_of_interest: str
    time_zone: str
    username: str = ""  # the account the member reviews with, if any


@dataclass(frozen=True)
class DemoReference:
    citation_key: str
    kind: str  # a references.models.Reference.Kind value
    title: str
    authors: str = ""
    source: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    nct_number: str = ""
    url: str = ""


USERS = (
    DemoUser("editor", "Morgan", "Hale", is_staff=True, group=EDITORS_GROUP),
    DemoUser("reviewer1", "Amara", "Okafor", is_staff=False, group=REVIEWERS_GROUP),
    DemoUser(
        "reviewer2", "Eleanor", "Whitfield", is_staff=False, group=REVIEWERS_GROUP
    ),
)

# The demo articles' writer: the editor's account, named in every byline.
WRITER_USERNAME = "editor"
WRITER_DISPLAY_NAME = "Morgan Hale"
WRITER_CREDENTIALS = "PharmD"
WRITER_DISCLOSURE = "None declared."

# Fictional people and institutions: the demo must not put words in real names.
BOARD_MEMBERS = (
    DemoBoardMember(
        slug="amara-okafor",
        display_name="Amara Okafor",
        credentials="MD, PhD",
        specialty="Thoracic oncology",
        institution="Riverside University Cancer Center",
        bio=(
            "Medical oncologist who treats lung cancer and leads the molecular tumor "
            "board at her center. Her research looks at how often patients receive "
            "complete biomarker testing before their first treatment."
        ),
        conflict_of_interest=(
            "Research funding paid to her institution by a national cancer charity; "
            "no personal payments from industry."
        ),
        time_zone="America/New_York",
        username="reviewer1",
    ),
    DemoBoardMember(
        slug="eleanor-whitfield",
        display_name="Eleanor Whitfield",
        credentials="MBBS, FRCP",
        specialty="Cardiology",
        institution="Northgate Teaching Hospital",
        bio=(
            "Consultant cardiologist running a heart failure clinic. She teaches "
            "guideline-directed therapy to junior doctors and writes the hospital's "
            "anticoagulation protocols."
        ),
        conflict_of_interest="None declared.",
        time_zone="Europe/London",
        username="reviewer2",
    ),
    DemoBoardMember(
        slug="kenji-morimoto",
        display_name="Kenji Morimoto",
        credentials="MD, MPH",
        specialty="Clinical pharmacology",
        institution="Kansai Institute of Clinical Pharmacology",
        bio=(
            "Clinical pharmacologist interested in drug interactions and dosing in "
            "older adults and in people with kidney disease."
        ),
        conflict_of_interest=(
            "Investigator in industry-funded anticoagulant trials; payments are made "
            "to his institution, not to him."
        ),
        time_zone="Asia/Tokyo",
    ),
)

GUIDELINE = "guideline"
DRUG_LABEL = "drug_label"
RESEARCH = "research"

REFERENCES = (
    # Non-small cell lung cancer.
    DemoReference(
        citation_key="hendriks2023",
        kind=GUIDELINE,
        title=(
            "Oncogene-addicted metastatic non-small-cell lung cancer: ESMO Clinical "
            "Practice Guideline for diagnosis, treatment and follow-up"
        ),
        authors=(
            "Hendriks LE, Kerr KM, Menis J, Mok TS, Nestle U, Passaro A, Peters S, "
            "Planchard D, Smit EF, Solomon BJ, Veronesi G, Reck M"
        ),
        source="Ann Oncol",
        year=2023,
        volume="34",
        issue="4",
        pages="339-357",
        doi="10.1016/j.annonc.2022.12.009",
        pmid="36872130",
    ),
    DemoReference(
        citation_key="tagrisso-label",
        kind=DRUG_LABEL,
        title="TAGRISSO (osimertinib) tablets, for oral use: prescribing information",
        authors="AstraZeneca Pharmaceuticals LP",
        source="U.S. Food and Drug Administration",
        year=2024,
        url="https://www.accessdata.fda.gov/drugsatfda_docs/label/2024/208065s033lbl.pdf",
    ),
    DemoReference(
        citation_key="soria2018",
        kind=RESEARCH,
        title=(
            "Osimertinib in untreated EGFR-mutated advanced non-small-cell lung cancer"
        ),
        authors=(
            "Soria JC, Ohe Y, Vansteenkiste J, Reungwetwattana T, Chewaskulyong B, "
            "Lee KH, Dechaphunkul A, Imamura F, Nogami N, Kurata T, Okamoto I, Zhou C, "
            "Cho BC, Cheng Y, Cho EK, Voon PJ, Planchard D, Su WC, Gray JE, Lee SM, "
            "Hodge R, Marotti M, Rukazenkov Y, Ramalingam SS"
        ),
        source="N Engl J Med",
        year=2018,
        volume="378",
        issue="2",
        pages="113-125",
        doi="10.1056/NEJMoa1713137",
        pmid="29151359",
        nct_number="NCT02296125",
    ),
    DemoReference(
        citation_key="peters2017",
        kind=RESEARCH,
        title=(
            "Alectinib versus crizotinib in untreated ALK-positive non-small-cell "
            "lung cancer"
        ),
        authors=(
            "Peters S, Camidge DR, Shaw AT, Gadgeel S, Ahn JS, Kim DW, Ou SI, Pérol M, "
            "Dziadziuszko R, Rosell R, Zeaiter A, Mitry E, Golding S, Balas B, Noe J, "
            "Morcos PN, Mok T"
        ),
        source="N Engl J Med",
        year=2017,
        volume="377",
        issue="9",
        pages="829-838",
        doi="10.1056/NEJMoa1704795",
        pmid="28586279",
        nct_number="NCT02075840",
    ),
    # No identifiers: none was checked against PubMed or the publisher for this one.
    # Importing its PMCID or DOI is caught by the title, year and journal instead
    # (docs/editing.md), so it is not added twice.
    DemoReference(
        citation_key="asco2019-sequencing",
        kind=RESEARCH,
        title=(
            "Advanced non-small cell lung cancer: sequencing agents in the "
            "EGFR-mutated/ALK-rearranged populations"
        ),
        source="Am Soc Clin Oncol Educ Book",
        year=2019,
        volume="39",
    ),
    DemoReference(
        citation_key="jackson2015",
        kind=RESEARCH,
        title="Personalised cancer medicine",
        authors="Jackson SE, Chester JD",
        source="Int J Cancer",
        year=2015,
    ),
    DemoReference(
        citation_key="targeted-therapy2023",
        kind=RESEARCH,
        title="Targeted therapy and personalized medicine",
        source="Cancer Treat Res",
        year=2023,
        volume="185",
        pages="177-205",
        doi="10.1007/978-3-031-27156-4_10",
        pmid="37306910",
    ),
    # Heart failure with reduced ejection fraction.
    DemoReference(
        citation_key="heidenreich2022",
        kind=GUIDELINE,
        title="2022 AHA/ACC/HFSA Guideline for the Management of Heart Failure",
        authors="Heidenreich PA, Bozkurt B, Aguilar D, et al",
        source="Circulation",
        year=2022,
        volume="145",
        issue="18",
        pages="e895-e1032",
        doi="10.1161/CIR.0000000000001063",
        pmid="35363499",
    ),
    DemoReference(
        citation_key="farxiga-label",
        kind=DRUG_LABEL,
        title="FARXIGA (dapagliflozin) tablets, for oral use: prescribing information",
        authors="AstraZeneca Pharmaceuticals LP",
        source="U.S. Food and Drug Administration",
        url=(
            "https://www.accessdata.fda.gov/scripts/cder/daf/index.cfm"
            "?event=overview.process&ApplNo=202293"
        ),
    ),
    DemoReference(
        citation_key="mcmurray2019",
        kind=RESEARCH,
        title=(
            "Dapagliflozin in patients with heart failure and reduced ejection fraction"
        ),
        authors="McMurray JJV, Solomon SD, Inzucchi SE, et al",
        source="N Engl J Med",
        year=2019,
        volume="381",
        issue="21",
        pages="1995-2008",
        doi="10.1056/NEJMoa1911303",
        pmid="31535829",
        nct_number="NCT03036124",
    ),
    DemoReference(
        citation_key="packer2020",
        kind=RESEARCH,
        title="Cardiovascular and renal outcomes with empagliflozin in heart failure",
        authors="Packer M, Anker SD, Butler J, et al",
        source="N Engl J Med",
        year=2020,
        volume="383",
        issue="15",
        pages="1413-1424",
        doi="10.1056/NEJMoa2022190",
        pmid="32865377",
        nct_number="NCT03057977",
    ),
    # Atrial fibrillation.
    DemoReference(
        citation_key="joglar2024",
        kind=GUIDELINE,
        title=(
            "2023 ACC/AHA/ACCP/HRS Guideline for the Diagnosis and Management of "
            "Atrial Fibrillation"
        ),
        authors="Joglar JA, Chung MK, Armbruster AL, et al",
        source="Circulation",
        year=2024,
        volume="149",
        issue="1",
        pages="e1-e156",
        doi="10.1161/CIR.0000000000001193",
        pmid="38033089",
    ),
    DemoReference(
        citation_key="eliquis-label",
        kind=DRUG_LABEL,
        title="ELIQUIS (apixaban) tablets, for oral use: prescribing information",
        authors="Bristol-Myers Squibb Company",
        source="U.S. Food and Drug Administration",
        url=(
            "https://www.accessdata.fda.gov/scripts/cder/daf/index.cfm"
            "?event=overview.process&ApplNo=202155"
        ),
    ),
    DemoReference(
        citation_key="granger2011",
        kind=RESEARCH,
        title="Apixaban versus warfarin in patients with atrial fibrillation",
        authors="Granger CB, Alexander JH, McMurray JJV, et al",
        source="N Engl J Med",
        year=2011,
        volume="365",
        issue="11",
        pages="981-992",
        doi="10.1056/NEJMoa1107039",
        pmid="21870978",
        nct_number="NCT00412984",
    ),
    DemoReference(
        citation_key="connolly2009",
        kind=RESEARCH,
        title="Dabigatran versus warfarin in patients with atrial fibrillation",
        authors="Connolly SJ, Ezekowitz MD, Yusuf S, et al",
        source="N Engl J Med",
        year=2009,
        volume="361",
        issue="12",
        pages="1139-1151",
        doi="10.1056/NEJMoa0905561",
        pmid="19717844",
        nct_number="NCT00262600",
    ),
)

EDITORIAL_POLICY_TITLE = "Editorial policy"

EDITORIAL_POLICY_BODY = """\
Medreview answers clinical questions for healthcare professionals. Every article \
states where each claim comes from and who checked it. This page explains how that \
happens.

## How an article is written

An editor starts from a question clinicians actually ask and answers it from three \
kinds of source, each in its own section:

- **From the Guidelines:** the current recommendations of national or international \
professional societies.
- **From the FDA Drug Label:** what the US prescribing information says about \
indications, patient selection, dosing and safety.
- **From the Research:** randomized trials, large cohort studies and systematic \
reviews, with the size of the effect reported, not just its direction.

Each statement carries a numbered citation that links to the reference list, where \
DOI and PubMed links lead to the original. We paraphrase sources rather than copy \
them, and we do not cite a source we have not read.

## Medical review

Each article is reviewed by a member of our Medical Advisory Board who practices in \
the field concerned. The reviewer checks every claim against its source, the doses \
against the current label, and whether anything important is missing.

An article moves through three steps, shown at the top of its page:

1. **Submitted:** written by an editor, waiting for a reviewer.
2. **Under Review:** a board member is checking it.
3. **Approved:** the reviewer has signed it off.

Until an article is approved, its page carries a caution banner.

## Conflicts of interest

Board members declare their financial and professional relationships with industry, \
and the declarations are published on the board page. A member does not review an \
article on a product made by a company that paid them in the past three years. \
Medreview does not accept advertising or sponsorship for its articles.

## Corrections

Readers can report an error through the follow-up link on any article. The editors \
acknowledge a report within two working days. A factual correction is reviewed like \
new content, and the page's "Last updated" date moves when it is published.

## Keeping articles current

Every article is looked at again at least once a year, and sooner when a guideline \
it relies on is revised, a drug label changes, or a major trial reports. Changes in \
review status alone do not change the "Last updated" date; changes in content do.

## What this site is not

Articles support clinical judgement; they do not replace it, and they are not advice \
for individual patients.
"""


@dataclass(frozen=True)
class DemoQuestion:
    """A reader's follow-up question in the editors' queue."""

    question: str
    asked_on: str  # the article's slug
    email: str = ""
    answered_by: str = ""  # the answering article's slug, if any


QUESTIONS = (
    DemoQuestion(
        question=(
            "What happens when osimertinib stops working? Are there other tablets "
            "to try, or is chemotherapy the only option?"
        ),
        asked_on="personalized-medicine-in-non-small-cell-lung-cancer",
        email="reader@example.org",
        answered_by="egfr-mutated-nsclc-after-osimertinib",
    ),
    DemoQuestion(
        question=(
            "Should the tumour be tested again for new mutations if the cancer "
            "grows after the first treatment?"
        ),
        asked_on="personalized-medicine-in-non-small-cell-lung-cancer",
    ),
)
