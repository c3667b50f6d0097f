from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from articles import markdown
from editorial.models import EditorialPolicy


@require_safe
def editorial_policy(request):
    policy = EditorialPolicy.objects.order_by("-updated").first()
    html = mark_safe(markdown.render(policy.body)) if policy else ""  # noqa: S308 - sanitised
    return render(
        request, "editorial/policy.html", {"policy": policy, "policy_html": html}
    )
