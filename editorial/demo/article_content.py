"""The demo articles, as plain data.

Written for the demo in our own words; the facts (drugs, doses, trial results) come
from the cited sources. Citation markers use the keys of ``content.REFERENCES``. The
order of first citation fixes the numbers on the page: in the lung cancer article
the guideline is 1, the drug label 2 and the research 3 to 7.
"""

import datetime
from dataclasses import dataclass

GUIDELINES = "guidelines"
DRUG_LABEL = "drug_label"
RESEARCH = "research"

SUBMITTED = "submitted"
UNDER_REVIEW = "under_review"
APPROVED = "approved"


@dataclass(frozen=True)
class DemoSection:
    kind: str  # an articles.models.Section.Kind value
    body: str
    heading: str = ""  # blank: the kind's label, e.g. "From the Research"
    patient_body: str = ""  # the plain-language version for patients and caregivers


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    title: str
    summary: str
    specialty: str
    keywords: str
    status: str  # an articles.models.ArticleStatus value
    sections: tuple[DemoSection, ...]
    published: bool = True
    # Shown as "Literature reviewed through"; frozen with each approval.
    literature_reviewed_through: datetime.date | None = None
    # Slug of the board member who reviews it; needed past Submitted.
    reviewer: str = ""
    # Members invited some days ago who have not answered yet: (slug, days ago). Their
    # first invitation reminder is due, so a running worker (or
    # ``manage.py send_review_reminders``) shows one being sent.
    waiting_invitations: tuple[tuple[str, int], ...] = ()


NSCLC_GUIDELINES = """\
Treatment of advanced non-small cell lung cancer (NSCLC) now starts in the \
laboratory: which driver alteration the tumor carries, if any, and how much PD-L1 it \
expresses decide the first-line therapy [@hendriks2023].

- **Test before treating.** Profile every advanced non-squamous tumor, ideally with a \
next-generation sequencing panel, and measure PD-L1 by immunohistochemistry.
  - Alterations with an approved targeted drug: EGFR, ALK, ROS1, BRAF V600E, \
KRAS G12C, MET exon 14 skipping, RET, NTRK and HER2 [@hendriks2023].
  - When tissue is scarce, a plasma (cell-free DNA) test gives a quick answer; a \
negative plasma result does not exclude a driver and calls for tissue testing.
- **EGFR exon 19 deletion or L858R:** osimertinib 80 mg once daily is preferred; \
erlotinib 150 mg, gefitinib 250 mg or afatinib 40 mg daily remain options \
[@hendriks2023].
- **ALK rearrangement:** alectinib 600 mg twice daily, brigatinib (90 mg daily for \
7 days, then 180 mg daily) or lorlatinib 100 mg daily.
- **ROS1 rearrangement:** crizotinib 250 mg twice daily or entrectinib.
- **BRAF V600E:** dabrafenib combined with trametinib.
- **No targetable driver:** the choice follows PD-L1 expression; with PD-L1 of 50% or \
more, immunotherapy alone (for example pembrolizumab 200 mg every 3 weeks) is a \
standard option, otherwise immunotherapy is combined with platinum-based \
chemotherapy.
- **Progression on an EGFR inhibitor:** look for the mechanism of resistance before \
choosing the next line. After first- or second-generation inhibitors, the T790M \
mutation explains about half of the cases and responds to osimertinib \
[@hendriks2023].
"""

NSCLC_DRUG_LABEL = """\
The US prescribing information makes the EGFR result, not the diagnosis of NSCLC \
alone, the condition for using osimertinib (TAGRISSO) [@tagrisso-label].

- **Who may receive it:**
  - First-line treatment of metastatic NSCLC whose tumor has an EGFR exon 19 \
deletion or an exon 21 L858R mutation.
  - Metastatic NSCLC that progressed on an earlier EGFR tyrosine kinase inhibitor \
and carries the T790M mutation.
  - In every indication, the mutation must be found by an FDA-approved test; for \
metastatic disease, either tumor tissue or plasma may be tested.
- **When plasma is negative:** the label asks for tissue testing where feasible, \
because a plasma test can miss a mutation that is there.
- **Dose:** 80 mg by mouth once daily, with or without food, until progression or \
unacceptable toxicity.
- **What to watch:** interstitial lung disease or pneumonitis (stop for good if \
confirmed), QTc prolongation, cardiomyopathy and keratitis.
"""

NSCLC_RESEARCH = """\
### Matching Treatment to the Driver

Head-to-head trials of one targeted drug against another set today's first-line \
choices.

- **EGFR-mutated disease:**
  - In FLAURA, 556 untreated patients with an exon 19 deletion or L858R received \
osimertinib or an earlier inhibitor (gefitinib or erlotinib). Median \
progression-free survival was 18.9 versus 10.2 months, a hazard ratio of 0.46 \
[@soria2018].
  - Severe (grade 3 or higher) adverse events were less frequent with osimertinib: \
34% versus 45% [@soria2018].
- **ALK-rearranged disease:**
  - In ALEX, alectinib lowered the risk of progression or death compared with \
crizotinib (hazard ratio 0.47) and cut progression in the brain from 45% to 12% of \
patients [@peters2017].
- **Sequencing:** once the most active inhibitor is used first, the next line \
depends on how the tumor escapes it, so testing again at progression is part of \
the plan [@asco2019-sequencing].

### Clinical Outcomes

- **Response:** most patients with a matched inhibitor respond: 80% with osimertinib \
in FLAURA and 83% with alectinib in ALEX [@soria2018; @peters2017].
- **Brain metastases:** the newer inhibitors reach the central nervous system better \
than their predecessors, which matters because the brain is a common site of \
progression in both groups [@peters2017; @asco2019-sequencing].
- **Resistance:** almost every tumor eventually escapes targeted therapy, so \
survival depends on planning the sequence of treatments [@asco2019-sequencing].

### Future Directions

- **Wider profiling:** sequencing panels on tissue or blood find many actionable \
alterations in one test, and the list of targets keeps growing \
[@jackson2015; @targeted-therapy2023].
- **Overcoming resistance:** new drugs for acquired mutations and combinations of \
targeted agents with chemotherapy are under study [@targeted-therapy2023].
- **More than one biomarker:** personalized treatment is moving toward combining \
genomic, immune and clinical information for each patient \
[@jackson2015; @targeted-therapy2023].
"""

NSCLC_GUIDELINES_FOR_PATIENTS = """\
Lung cancer is not one disease. Before choosing a treatment for advanced non-small \
cell lung cancer, doctors look closely at the tumor itself to find out what drives \
its growth [@hendriks2023].

- **First, a test of the tumor.** A sample of the tumor (a biopsy) is checked for \
changes in its genes, often many at once. A second test measures a protein called \
PD-L1, which tells how well immunotherapy may work.
  - If the sample is too small, a blood test can look for the same gene changes. \
When the blood test finds nothing, a tissue test is still needed, because the blood \
test can miss a change that is there.
- **When a gene change is found,** a medicine aimed at that change (a targeted \
medicine, usually a tablet) is often the first treatment. For the most common one, a \
change in the EGFR gene, the preferred tablet is osimertinib [@hendriks2023].
- **When no such change is found,** treatment depends on the PD-L1 result: \
immunotherapy alone, or immunotherapy together with chemotherapy.
- **If the cancer grows again,** a new test can show why, and that helps choose the \
next treatment [@hendriks2023].
"""

NSCLC_DRUG_LABEL_FOR_PATIENTS = """\
The official US information for osimertinib (sold as TAGRISSO) says who may take it \
[@tagrisso-label].

- **Who it is for:** adults whose lung cancer has spread and has one of two specific \
changes in the EGFR gene, or a change called T790M after an earlier EGFR medicine \
stopped working.
- **The test matters:** the gene change must be found by an approved test, on the \
tumor or in the blood. If the blood test is negative, a tissue test is advised.
- **How it is taken:** one 80 mg tablet a day, with or without food, for as long as \
it helps and the side effects are manageable.
- **Tell your care team straight away** about a new cough, shortness of breath or \
fever (a rare lung inflammation), a racing or irregular heartbeat, or eye pain or \
redness.
"""

NSCLC_RESEARCH_FOR_PATIENTS = """\
### What the studies found

- **For an EGFR gene change:** in a large study of 556 people, those who took \
osimertinib first lived without their cancer growing for about 19 months on \
average, against about 10 months with older tablets, and had fewer serious side \
effects [@soria2018].
- **For an ALK gene change:** alectinib kept the cancer in check longer than the \
older medicine crizotinib and protected the brain better [@peters2017].
- **Planning ahead:** most tumors find a way around a targeted medicine after a \
while, so doctors plan the next steps and may test again [@asco2019-sequencing].

### Looking ahead

Tests that read many genes at once, new medicines for tumors that stop responding, \
and combinations of treatments are being studied to give each person the treatment \
that suits their cancer best [@jackson2015; @targeted-therapy2023].
"""

NSCLC = DemoArticle(
    slug="personalized-medicine-in-non-small-cell-lung-cancer",
    title=(
        "What is the approach to personalized medicine in non-small cell lung cancer?"
    ),
    summary=(
        "Before first-line treatment of advanced NSCLC, test the tumor for actionable "
        "driver alterations and PD-L1, then match the treatment to the result. A "
        "tumor with an EGFR exon 19 deletion or L858R mutation, found by an "
        "FDA-approved test, is treated first with osimertinib 80 mg once daily."
    ),
    specialty="Oncology",
    keywords="non-small cell lung cancer, EGFR, ALK, osimertinib, molecular testing",
    status=UNDER_REVIEW,
    literature_reviewed_through=datetime.date(2025, 9, 30),
    reviewer="amara-okafor",
    waiting_invitations=(("eleanor-whitfield", 4),),
    sections=(
        DemoSection(
            GUIDELINES, NSCLC_GUIDELINES, patient_body=NSCLC_GUIDELINES_FOR_PATIENTS
        ),
        DemoSection(
            DRUG_LABEL, NSCLC_DRUG_LABEL, patient_body=NSCLC_DRUG_LABEL_FOR_PATIENTS
        ),
        DemoSection(RESEARCH, NSCLC_RESEARCH, patient_body=NSCLC_RESEARCH_FOR_PATIENTS),
    ),
)

HEART_FAILURE = DemoArticle(
    slug="sglt2-inhibitors-in-heart-failure-with-reduced-ejection-fraction",
    title=(
        "Should patients with heart failure with reduced ejection fraction take an "
        "SGLT2 inhibitor?"
    ),
    summary=(
        "Yes, unless there is a contraindication. Dapagliflozin or empagliflozin "
        "10 mg once daily lowers the risk of cardiovascular death or worsening heart "
        "failure by about a quarter, with or without diabetes."
    ),
    specialty="Cardiology",
    keywords="heart failure, HFrEF, SGLT2 inhibitor, dapagliflozin, empagliflozin",
    status=SUBMITTED,
    sections=(
        DemoSection(
            GUIDELINES,
            """\
The 2022 US heart failure guideline gives SGLT2 inhibitors its strongest \
recommendation (class 1) for symptomatic chronic heart failure with reduced ejection \
fraction, whether or not the patient has type 2 diabetes [@heidenreich2022].

- **Place in treatment:** one of four drug classes of guideline-directed therapy, \
with an ARNI (or an ACE inhibitor or ARB), an evidence-based beta blocker and a \
mineralocorticoid receptor antagonist [@heidenreich2022].
- **Aim:** fewer hospital admissions for heart failure and fewer cardiovascular \
deaths.
""",
        ),
        DemoSection(
            DRUG_LABEL,
            """\
Dapagliflozin (FARXIGA) is labeled to reduce the risk of cardiovascular death and of \
hospitalization or urgent visits for heart failure in adults with heart failure \
[@farxiga-label].

- **Dose:** 10 mg by mouth once daily.
- **Kidney function:** starting it is not recommended when the eGFR is below \
25 mL/min/1.73 m².
- **What to watch:** volume depletion, ketoacidosis, genital fungal infections and \
serious urinary tract infections.
""",
        ),
        DemoSection(
            RESEARCH,
            """\
- **DAPA-HF:** 4,744 patients with an ejection fraction of 40% or less. Worsening \
heart failure or cardiovascular death occurred in 16.3% with dapagliflozin and 21.2% \
with placebo (hazard ratio 0.74), with a similar effect in patients without \
diabetes [@mcmurray2019].
- **EMPEROR-Reduced:** 3,730 patients. Cardiovascular death or hospitalization for \
heart failure occurred in 19.4% with empagliflozin and 24.7% with placebo (hazard \
ratio 0.75), and kidney function declined more slowly [@packer2020].
""",
        ),
    ),
)

ATRIAL_FIBRILLATION = DemoArticle(
    slug="doac-or-warfarin-in-atrial-fibrillation",
    title=(
        "Is a direct oral anticoagulant preferred over warfarin to prevent stroke in "
        "atrial fibrillation?"
    ),
    summary=(
        "Yes, for most patients. Apart from those with a mechanical heart valve or "
        "moderate to severe mitral stenosis, a direct oral anticoagulant prevents "
        "stroke at least as well as warfarin with less intracranial bleeding."
    ),
    specialty="Cardiology",
    keywords="atrial fibrillation, anticoagulation, apixaban, dabigatran, warfarin",
    status=APPROVED,
    reviewer="eleanor-whitfield",
    sections=(
        DemoSection(
            GUIDELINES,
            """\
The 2023 US atrial fibrillation guideline recommends a direct oral anticoagulant \
(DOAC) over warfarin for eligible patients, except those with a mechanical heart \
valve or moderate to severe mitral stenosis [@joglar2024].

- **Who needs anticoagulation:** an estimated annual stroke risk of 2% or more, for \
example a CHA₂DS₂-VASc score of 2 or more in men or 3 or more in women \
[@joglar2024].
- **Bleeding risk:** bleeding scores point to risk factors to correct; on their own \
they are not a reason to withhold anticoagulation.
""",
        ),
        DemoSection(
            DRUG_LABEL,
            """\
Apixaban (ELIQUIS) is labeled to reduce the risk of stroke and systemic embolism in \
nonvalvular atrial fibrillation [@eliquis-label].

- **Dose:** 5 mg twice daily.
  - 2.5 mg twice daily when at least two of these apply: age 80 years or more, body \
weight 60 kg or less, serum creatinine 1.5 mg/dL or more.
- **Boxed warnings:** stopping early raises the risk of thrombotic events; spinal or \
epidural hematoma can follow neuraxial anesthesia or puncture.
""",
        ),
        DemoSection(
            RESEARCH,
            """\
- **ARISTOTLE (apixaban):** among 18,201 patients, stroke or systemic embolism \
occurred at 1.27% per year with apixaban and 1.60% with warfarin; major bleeding at \
2.13% versus 3.09% per year [@granger2011].
- **RE-LY (dabigatran):** dabigatran 150 mg twice daily lowered stroke or systemic \
embolism (1.11% versus 1.69% per year) with similar major bleeding, while 110 mg \
twice daily matched warfarin's protection with less major bleeding \
[@connolly2009].
""",
        ),
    ),
)

# Kept unpublished on purpose: the demo shows that drafts stay off the public site.
OSIMERTINIB_RESISTANCE_DRAFT = DemoArticle(
    slug="egfr-mutated-nsclc-after-osimertinib",
    title="How is EGFR-mutated NSCLC treated after progression on osimertinib?",
    summary=(
        "Test again to find the mechanism of resistance, then choose the next line "
        "from what it shows."
    ),
    specialty="Oncology",
    keywords="non-small cell lung cancer, EGFR, osimertinib, resistance",
    status=SUBMITTED,
    published=False,
    sections=(
        DemoSection(
            GUIDELINES,
            """\
Guidelines advise a new biopsy or plasma test at progression to look for the \
mechanism of resistance before choosing the next treatment [@hendriks2023].

- **Draft:** the research section is still being written.
""",
        ),
    ),
)

ARTICLES = (NSCLC, HEART_FAILURE, ATRIAL_FIBRILLATION, OSIMERTINIB_RESISTANCE_DRAFT)
