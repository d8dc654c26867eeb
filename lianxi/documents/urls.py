"""The documents pages, one module per part of the work (drafts, comment rounds, signing and
issuing), so that each grows on its own."""

from .urls_drafts import urlpatterns as drafts
from .urls_issuing import urlpatterns as issuing
from .urls_rounds import urlpatterns as rounds

app_name = "documents"

urlpatterns = [*drafts, *rounds, *issuing]
