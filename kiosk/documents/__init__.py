"""Certificates on the kiosk (issue 7; docs/certificates.md): the document model, Qt
rendering to A4 PDF or a printer, CUPS printer state, the HTTP client of the hall's
certificate API, and the runner of the certificate flow's printer effects.

Importing this package imports no Qt: :mod:`.certificate` and :mod:`.operations` are
plain data that kiosk.core.certificate_flow uses; :mod:`.render`, :mod:`.marks`,
:mod:`.printing` and :mod:`.effects` need PySide6.
"""
