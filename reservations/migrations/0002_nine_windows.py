"""
Create the nine pickup windows of R-W1 with their opening rules (R-W2, R-W3)
and the recurring maintenance and year-end closures of R-W5, so that every
database, the test database included, starts with the city's calendar.
"""

from datetime import time

from django.db import migrations

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

WARD_OFFICES = [
    # code, name_ja, name_en, unit_ja, unit_en, phone, address_ja, address_en
    ("kita", "北区役所", "Kita Ward Office", "区民生活課", "Residents' Services Section", "025-387-1265",
     "新潟市北区葛塚3197番地", "3197 Kuzutsuka, Kita-ku, Niigata City"),
    ("higashi", "東区役所", "Higashi Ward Office", "区民生活課", "Residents' Services Section", "025-250-2235",
     "新潟市東区下木戸1丁目4番1号", "1-4-1 Shimokido, Higashi-ku, Niigata City"),
    ("chuo", "中央区役所", "Chuo Ward Office", "窓口サービス課", "Counter Services Section", "025-223-7106",
     "新潟市中央区古町通7番町1010番地（古町ルフル）", "Furumachi Rufuru, 1010 Furumachi-dori 7-bancho, Chuo-ku, Niigata City"),
    ("konan", "江南区役所", "Konan Ward Office", "区民生活課", "Residents' Services Section", "025-382-4203",
     "新潟市江南区泉町3丁目4番5号", "3-4-5 Izumicho, Konan-ku, Niigata City"),
    ("akiha", "秋葉区役所", "Akiha Ward Office", "区民生活課", "Residents' Services Section", "0250-25-5674",
     "新潟市秋葉区程島2009番地", "2009 Hodojima, Akiha-ku, Niigata City"),
    ("minami", "南区役所", "Minami Ward Office", "区民生活課", "Residents' Services Section", "025-372-6105",
     "新潟市南区白根1235番地", "1235 Shirone, Minami-ku, Niigata City"),
    ("nishi", "西区役所", "Nishi Ward Office", "区民生活課", "Residents' Services Section", "025-264-7211",
     "新潟市西区寺尾東3丁目14番41号", "3-14-41 Teraohigashi, Nishi-ku, Niigata City"),
    ("nishikan", "西蒲区役所", "Nishikan Ward Office", "区民生活課", "Residents' Services Section", "0256-72-8326",
     "新潟市西蒲区巻甲2690番地1", "2690-1 Maki-ko, Nishikan-ku, Niigata City"),
]


def create_windows(apps, schema_editor):
    Window = apps.get_model("reservations", "Window")
    OpeningRule = apps.get_model("reservations", "OpeningRule")
    RecurringClosure = apps.get_model("reservations", "RecurringClosure")

    for order, (code, name_ja, name_en, unit_ja, unit_en, phone, address_ja, address_en) in enumerate(WARD_OFFICES):
        window = Window.objects.create(
            code=code, name_ja=name_ja, name_en=name_en, kind="ward", ward=code, unit_ja=unit_ja,
            unit_en=unit_en, phone=phone, address_ja=address_ja, address_en=address_en, capacity=2,
            slot_minutes=15, open_on_holidays=False, sort_order=order + 1,
        )
        # R-W2: Monday to Friday 09:00-17:00, national holidays excepted.
        for weekday in (MON, TUE, WED, THU, FRI):
            OpeningRule.objects.create(window=window, weekday=weekday, nth=0, opens_at=time(9), closes_at=time(17))

    cityhall = Window.objects.create(
        code="cityhall", name_ja="市役所本館臨時交付窓口",
        name_en="City Hall Main Building, Temporary Issuing Window", kind="cityhall", ward="",
        unit_ja="", unit_en="", phone="025-245-0300",
        address_ja="新潟市中央区学校町通1番町602番地1（市役所本館）",
        address_en="City Hall Main Building, 602-1 Gakkocho-dori 1-bancho, Chuo-ku, Niigata City",
        capacity=4, slot_minutes=15, open_on_holidays=True, sort_order=len(WARD_OFFICES) + 1,
    )
    # R-W3: Thursday to Monday, holidays included, 09:30-16:45; 17:45 on the
    # 2nd and 4th Saturday; closed on Tuesday, Wednesday and the 3rd Sunday.
    for weekday in (THU, FRI, SAT, SUN, MON):
        OpeningRule.objects.create(
            window=cityhall, weekday=weekday, nth=0, opens_at=time(9, 30), closes_at=time(16, 45)
        )
    for nth in (2, 4):
        OpeningRule.objects.create(
            window=cityhall, weekday=SAT, nth=nth, opens_at=time(9, 30), closes_at=time(17, 45)
        )
    OpeningRule.objects.create(window=cityhall, weekday=SUN, nth=3, opens_at=None, closes_at=None)

    # R-W5: no issuing at any window on the day after the 3rd Saturday, nor
    # over the year-end and New Year (29 December - 3 January, editable).
    RecurringClosure.objects.create(
        window=None, kind="maintenance", pattern="monthly", weekday=SAT, nth=3, days_after=1,
        note_ja="第3土曜日の翌日はシステムメンテナンスのため交付手続きができません。",
        note_en="No cards are issued on the day after the 3rd Saturday because of system maintenance.",
    )
    RecurringClosure.objects.create(
        window=None, kind="year_end", pattern="yearly", start_month=12, start_day=29, end_month=1, end_day=3,
        note_ja="年末年始（12月29日～1月3日）はシステムメンテナンスのため交付手続きができません。",
        note_en="No cards are issued over the year-end and New Year (29 December to 3 January).",
    )


def remove_windows(apps, schema_editor):
    apps.get_model("reservations", "RecurringClosure").objects.filter(window=None).delete()
    apps.get_model("reservations", "Window").objects.filter(
        code__in=[row[0] for row in WARD_OFFICES] + ["cityhall"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("reservations", "0001_initial")]

    operations = [migrations.RunPython(create_windows, remove_windows)]
