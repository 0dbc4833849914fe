"""portal.rows.insert: the ORM's INSERT without its compiler (issue #17)."""

import pytest
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from portal import rows
from reservations.models import Booking, BookingEvent, Message
from tests.reservations.factories import booking_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]


@pytest.mark.parametrize("model", [Booking, BookingEvent, Message])
def test_the_models_inserted_so_have_no_save_signals(model):
    """insert() sends no signal: a receiver added to these models would be skipped silently."""
    assert not post_save.has_listeners(model) and not pre_save.has_listeners(model)


def test_rows_are_written_as_the_orm_writes_them():
    from reservations.booking.services import booking_create

    booking = booking_create(data=booking_data())
    now = timezone.now()
    ours = [Message(booking=booking, kind=Message.Kind.RESCHEDULED, due_at=now, note="x"),
            Message(booking=booking, kind=Message.Kind.CANCELLED, due_at=now)]
    rows.insert(ours)
    assert all(message.pk and not message._state.adding for message in ours)
    orm = Message.objects.create(booking=booking, kind=Message.Kind.CLOSURE_NOTICE, due_at=now)
    fields = [f.attname for f in Message._meta.concrete_fields if f.attname not in ("id", "kind", "note", "created_at")]
    stored = {m.pk: m for m in Message.objects.filter(pk__in=[ours[0].pk, ours[1].pk, orm.pk])}
    for message in ours:
        row = stored[message.pk]
        assert [getattr(row, f) for f in fields] == [getattr(stored[orm.pk], f) for f in fields]
        assert row.kind == message.kind and row.created_at == message.created_at is not None
    assert stored[ours[0].pk].note == "x" and stored[ours[0].pk].state == Message.State.PENDING
    rows.insert([])  # nothing to write: no statement
