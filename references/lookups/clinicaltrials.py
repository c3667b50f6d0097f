"""ClinicalTrials.gov API v2: a registered study by its NCT number.

API: https://clinicaltrials.gov/data-api/api (``/studies/{nctId}``).
"""

from django.conf import settings

from references.lookups import http
from references.lookups.drafts import ReferenceDraft

SERVICE = "ClinicalTrials.gov"


def fetch_study(nct_number: str) -> dict:
    url = f"{settings.MEDREVIEW_CLINICALTRIALS_URL}/studies/{nct_number}"
    return http.get_json(
        url, service=SERVICE, params={"format": "json"}, identifier=nct_number
    )


def draft_from_study(study: dict) -> ReferenceDraft:
    protocol = study.get("protocolSection", {})
    identification = protocol.get("identificationModule", {})
    status = protocol.get("statusModule", {})
    sponsor = protocol.get("sponsorCollaboratorsModule", {}).get("leadSponsor", {})
    nct_number = identification.get("nctId", "")
    posted = status.get("studyFirstPostDateStruct", {}).get("date", "")
    return ReferenceDraft(
        kind="clinical_trial",
        title=identification.get("officialTitle")
        or identification.get("briefTitle", ""),
        authors=sponsor.get("name", ""),
        source="ClinicalTrials.gov",
        year=int(posted[:4]) if posted[:4].isdigit() else None,
        nct_number=nct_number,
        url=f"https://clinicaltrials.gov/study/{nct_number}",
        found_in=[SERVICE],
    )
