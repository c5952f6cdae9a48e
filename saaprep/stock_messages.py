"""Django's stock form messages, listed so that our catalogs translate them in the app's voice.

Django's own Korean for them is curt and reads like a machine ("필수 항목입니다.", "… 이/가
선택가능항목에 없습니다."). Catalogs in LOCALE_PATHS take precedence over Django's, so listing a
stock message here puts it in `locale/ko/LC_MESSAGES/django.po` (through makemessages), where it
gets the polite 해요 wording of the rest of the site, on every form, allauth's too. The English
catalog leaves them untranslated: Django's English stays as it is.

Nothing imports this module; it only has to exist for makemessages. The msgids must stay exactly
Django's (a test checks each is still one of Django's messages).
"""

from django.utils.translation import gettext_noop, ngettext_lazy

STOCK_MESSAGES = (
    gettext_noop("This field is required."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a list of values."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("No file was submitted. Check the encoding type on the form."),
)

STOCK_PLURAL_MESSAGES = (
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
)
