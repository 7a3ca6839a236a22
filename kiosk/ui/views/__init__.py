"""One view per group of core screens; ``ALL_VIEWS`` is what the window builds."""
from __future__ import annotations

from kiosk.core.intents import Home
from kiosk.ui.views.base import Look, View, row
from kiosk.ui.views.certificate import (CertificateBusyView, CertificateIdentifyView, CertificateParamsView,
                                        CertificateTypesView)
from kiosk.ui.views.certificate_result import (CertificateDoneView, CertificateFailedView, CertificatePreviewView,
                                               CertificateRateView, CertificateThanksView)
from kiosk.ui.views.check_in import CheckInView
from kiosk.ui.views.guide import GuideBrowseView, GuideReadView
from kiosk.ui.views.home import HomeView
from kiosk.ui.views.notice import NoticeView
from kiosk.ui.views.progress import (EvaluationStartView, ProgressResultView, ProgressStartView, RateView,
                                     ThanksView)
from kiosk.ui.views.take_number import CategoryView, RealNameView, ServiceView
from kiosk.ui.views.ticket import BusyView, TicketView
from kiosk.ui.widgets import button, label

ALL_VIEWS = (HomeView, CategoryView, ServiceView, RealNameView, BusyView, TicketView, CheckInView,
             GuideBrowseView, GuideReadView, ProgressStartView, ProgressResultView, EvaluationStartView,
             RateView, ThanksView, NoticeView, CertificateIdentifyView, CertificateTypesView, CertificateParamsView,
             CertificateBusyView, CertificatePreviewView, CertificateFailedView, CertificateDoneView,
             CertificateRateView, CertificateThanksView)


class FallbackView(View):
    """A screen this shell has no view for (a newer core): its prompt and a way home."""

    def __init__(self, send):
        super().__init__(send)
        self.text = label("", "Heading")
        self.home = button("", "primary", lambda: self.send(Home()))
        self.box.addWidget(self.text)
        self.box.addStretch(1)
        self.box.addLayout(row(None, self.home))

    def render(self, screen, look: Look) -> None:
        super().render(screen, look)
        self.text.setText(look.pair(screen.prompt()))
        self.home.setText(self.tr("返回首页"))
