"""Qt's own strings in Vietnamese (issue 12 §3): standard buttons, file dialogs, context menus.

The Qt wheels ship no Vietnamese translation of qtbase, so the app carries one:
``resources/translations/qt_vi.ts`` (the source, edited by hand) compiled with
``pyside6-lrelease`` into ``qt_vi.qm``, loaded here with a ``QTranslator``. The default locale
becomes vi_VN so date pickers name months and days in Vietnamese.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTranslator

from motcua_desk.resources import resources_dir

log = logging.getLogger(__name__)

_PROPERTY = "motcua_qt_translator"


def qm_path() -> Path:
    return resources_dir() / "translations" / "qt_vi.qm"


def install(app: QCoreApplication) -> bool:
    """Load the Vietnamese Qt strings into ``app`` once; False (and logged) if they are missing.

    Native dialogs are turned off: they speak the operating system's language (an English
    Windows shows "Save as…/Cancel"), while Qt's own dialogs use the translation loaded here.
    """
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    if isinstance(app.property(_PROPERTY), QTranslator):
        return True
    translator = QTranslator(app)
    path = qm_path()
    if not translator.load(str(path)):
        log.error("Vietnamese Qt translation not loaded from %s", path)
        return False
    QCoreApplication.installTranslator(translator)
    app.setProperty(_PROPERTY, translator)  # keeps it alive as long as the application
    return True
