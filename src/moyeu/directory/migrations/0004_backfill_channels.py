"""Copy the single e-mail, phone, city/country and account of existing records into the
child tables added in 0003. Re-runnable: a record that already has rows is left alone."""

import phonenumbers
from django.conf import settings
from django.db import migrations


def _e164(raw, region):
    try:
        number = phonenumbers.parse(raw, region or None)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def backfill(apps, schema_editor):
    default_region = getattr(settings, "MOYEU_DEFAULT_PHONE_REGION", "FR")
    Account = apps.get_model("directory", "Account")
    Contact = apps.get_model("directory", "Contact")
    AccountEmail = apps.get_model("directory", "AccountEmail")
    AccountPhone = apps.get_model("directory", "AccountPhone")
    ContactEmail = apps.get_model("directory", "ContactEmail")
    ContactPhone = apps.get_model("directory", "ContactPhone")
    Address = apps.get_model("directory", "Address")
    Link = apps.get_model("directory", "AccountContactLink")
    regions = {}
    for account in Account.objects.iterator():
        regions[account.pk] = account.country or default_region
        if account.email and not AccountEmail.objects.filter(account=account).exists():
            AccountEmail.objects.create(account=account, email=account.email.lower(), is_primary=True)
        if account.phone and not AccountPhone.objects.filter(account=account).exists():
            e164 = _e164(account.phone, regions[account.pk])
            if e164:
                AccountPhone.objects.create(
                    account=account, number=account.phone, e164=e164, is_primary=True
                )
                Account.objects.filter(pk=account.pk).update(phone_e164=e164)
        if account.country and not Address.objects.filter(account=account).exists():
            Address.objects.create(
                account=account, city=account.city, country=account.country, is_primary=True
            )
    for contact in Contact.objects.iterator():
        region = regions.get(contact.account_id, default_region)
        if contact.email and not ContactEmail.objects.filter(contact=contact).exists():
            ContactEmail.objects.create(contact=contact, email=contact.email.lower(), is_primary=True)
        if contact.phone and not ContactPhone.objects.filter(contact=contact).exists():
            e164 = _e164(contact.phone, region)
            if e164:
                ContactPhone.objects.create(
                    contact=contact, kind="work", number=contact.phone, e164=e164, is_primary=True
                )
                Contact.objects.filter(pk=contact.pk).update(phone_e164=e164)
        if contact.account_id and not Link.objects.filter(contact=contact).exists():
            Link.objects.create(contact=contact, account_id=contact.account_id, is_primary=True)


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_records_identifiers_channels")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
