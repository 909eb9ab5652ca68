"""The factory as data: plants, work centers and their calendars, routings, work orders, the plan.

Routings are templates per product family; a work order's operations are derived from the
ordered configuration when the order is paid (routing.py), then kept as rows, so a later change
to a template never rewrites work already released to the floor.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models


class Plant(models.Model):
    code = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    # Bumped by every write to the plan; a re-plan computed from an older revision is discarded.
    plan_revision = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.name


class Calendar(models.Model):
    """When work centers are open: weekly shifts, minus breaks, holidays and downtime."""

    name = models.CharField(max_length=80, unique=True)

    def __str__(self):
        return self.name


class Shift(models.Model):
    MONDAY, SUNDAY = 0, 6
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="shifts")
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday … 6 = Sunday")
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]

    def __str__(self):
        return f"day {self.weekday} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self):
        # A field left blank is already the form's error; clean() runs with it None all the same.
        if self.weekday is not None and self.weekday > self.SUNDAY:
            raise ValidationError({"weekday": "Use 0 (Monday) to 6 (Sunday)."})
        if None not in (self.start, self.end) and self.end <= self.start:
            raise ValidationError({"end": "A shift ends after it starts (split a night shift in two)."})


class Break(models.Model):
    """A daily pause in every shift of the calendar (lunch, cleaning)."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="breaks")
    start = models.TimeField()
    end = models.TimeField()

    def __str__(self):
        return f"break {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self):
        if None not in (self.start, self.end) and self.end <= self.start:
            raise ValidationError({"end": "A break ends after it starts."})


class Holiday(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=80, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="production_holiday_once")]

    def __str__(self):
        return f"{self.date:%d %b %Y} {self.name}".strip()


class WorkCenter(models.Model):
    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="work_centers")
    code = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    capacity = models.PositiveSmallIntegerField(default=1, help_text="Operations it can run at once.")
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="work_centers")
    # Planners keep it; analytics freezes it into each order line's labour cost at purchase, so a
    # later change prices the orders to come and never rewrites those already sold.
    rate_per_hour = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text="labour and machine cost per hour, for margins",
    )

    class Meta:
        ordering = ["plant", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rate_per_hour__gte=0), name="production_rate_not_negative")
        ]

    def __str__(self):
        return self.name


class Downtime(models.Model):
    """Planned maintenance or a breakdown: the work center is closed over [start, end)."""

    work_center = models.ForeignKey(WorkCenter, on_delete=models.CASCADE, related_name="downtimes")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [
            # A double click on "Record downtime" must not record the same closure twice.
            models.UniqueConstraint(fields=["work_center", "start", "end"], name="one_downtime_per_span"),
        ]

    def __str__(self):
        return f"{self.work_center} down from {self.start:%d %b %H:%M}"

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "Downtime ends after it starts."})


class Overtime(models.Model):
    """Extra open time on a work center over [start, end), outside or across its calendar's shifts
    (a Saturday morning, two more hours on Tuesday): what a planner adds to catch up a late order."""

    work_center = models.ForeignKey(WorkCenter, on_delete=models.CASCADE, related_name="overtimes")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["work_center", "start"]
        constraints = [
            # A double click on "Add overtime" must not add the same hours twice.
            models.UniqueConstraint(fields=["work_center", "start", "end"], name="one_overtime_per_span"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="overtime_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.work_center} overtime from {self.start:%d %b %H:%M}"

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "Overtime ends after it starts."})


class RoutingTemplate(models.Model):
    """How a product family is made; one per configurator family (by slug)."""

    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="routings")
    family_slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    # A family may sell a rush option: when the configuration sets it, tardiness weighs more.
    rush_option = models.CharField(max_length=60, blank=True)
    rush_weight = models.PositiveSmallIntegerField(default=3)
    quantity_option = models.CharField(max_length=60, blank=True, help_text="Option holding the run length.")
    # Counts the saves made on the factory pages: a planner's form carries the number it was read
    # at, and a save from an older form (a second planner) is refused, so no edit is lost.
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return self.name


class RoutingRevision(models.Model):
    """A routing's steps as they stood, kept for the work orders made with them.

    Written on every save from the factory pages (the first save also keeps the routing as it
    stood before it), with the number of the configurator's family version current at that
    moment; a work order records the revision it was released with (`WorkOrder.routing_revision`).
    """

    routing = models.ForeignKey(RoutingTemplate, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    family_version = models.PositiveIntegerField(null=True, blank=True)
    steps = models.JSONField(default=list)
    saved_at = models.DateTimeField(auto_now_add=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["routing", "-number"]
        constraints = [models.UniqueConstraint(fields=["routing", "number"], name="production_routing_revision_once")]

    def __str__(self):
        return f"{self.routing.family_slug} r{self.number}"


class RoutingStep(models.Model):
    """One step of a routing. Its minutes depend on the configuration through `rules`.

    `rules` is a list of {"option", "equals"?, "setup"?, "minutes"?, "per_unit"?} objects:
    with "equals", the setup/minutes are added when the option has that value; without it,
    "per_unit" minutes are added per unit of the option's (numeric) value, e.g. 45 minutes per
    sofa module. `per_piece` minutes are added per ordered piece (a print run scales).
    """

    routing = models.ForeignKey(RoutingTemplate, on_delete=models.CASCADE, related_name="steps")
    sequence = models.PositiveSmallIntegerField()
    code = models.SlugField()
    name = models.CharField(max_length=80)
    minutes = models.PositiveIntegerField()
    setup = models.PositiveIntegerField(default=0)
    per_piece = models.PositiveIntegerField(default=0)
    rules = models.JSONField(default=list, blank=True)
    work_centers = models.ManyToManyField(WorkCenter, related_name="routing_steps", blank=True)
    after = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="before")

    class Meta:
        ordering = ["routing", "sequence"]
        constraints = [models.UniqueConstraint(fields=["routing", "code"], name="production_step_code_once")]

    def __str__(self):
        return f"{self.routing.family_slug}: {self.name}"


class WorkOrder(models.Model):
    """The work for one order line. At most one per line from the order itself (`kind` "order"),
    so a replayed `order_paid` adds nothing; remakes and repairs of the line come later, each
    once per `remake_key` (the caller's: customer care's ticket, line and kind)."""

    ORDER, REMAKE, REPAIR = "order", "remake", "repair"
    KINDS = [(ORDER, "Order"), (REMAKE, "Remake"), (REPAIR, "Repair")]

    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="work_orders")
    line = models.ForeignKey("order.Line", on_delete=models.PROTECT, related_name="work_orders")
    kind = models.CharField(max_length=8, choices=KINDS, default=ORDER)
    # Why a remake or repair exists, in the words of whoever asked for it ("Remake for T-7K3P9Q"),
    # shown on the planner's board; production does not know tickets.
    origin = models.CharField(max_length=120, blank=True)
    remake_key = models.CharField(max_length=80, null=True, blank=True, unique=True, editable=False)
    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="work_orders")
    family_slug = models.SlugField()
    title = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField(default=1)
    configuration = models.JSONField(default=dict)
    # Rows of [option label, chosen value in words, option code] from the family version bought
    # (production/specification.py); work orders released before hold [code, str(value)] pairs,
    # put into words when printed (selectors/specification.py).
    specification = models.JSONField(default=list, help_text="[(label, value)] as ordered, for the traveler.")
    weight = models.PositiveIntegerField(default=1)
    released_at = models.DateTimeField()
    due_at = models.DateTimeField()
    frozen = models.BooleanField(default=False)
    # The routing as it stood when this work order was released (None: before any revision was kept).
    routing_revision = models.ForeignKey(
        RoutingRevision, null=True, blank=True, on_delete=models.PROTECT, related_name="work_orders"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        permissions = [
            ("plan_production", "Can plan production (planner board)"),
            ("operate_floor", "Can use the shop-floor terminal"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["line"], condition=models.Q(kind="order"), name="production_one_release_per_line"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="order") | models.Q(remake_key__isnull=False), name="production_remake_has_key"
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def number(self):
        return f"WO-{self.pk:05d}"

    @property
    def is_remake(self):
        return self.kind != self.ORDER

    @property
    def customer_title(self):
        """The title the shopper's timeline uses: a remake or repair says so."""
        if self.kind == self.REMAKE:
            return f"Remake of {self.title}"
        if self.kind == self.REPAIR:
            return f"Repair of {self.title}"
        return self.title


class Operation(models.Model):
    PLANNED, STARTED, FINISHED, BLOCKED = "planned", "started", "finished", "blocked"
    # The order was cancelled before this operation started: it holds no capacity and never starts.
    WITHDRAWN = "withdrawn"
    STATUSES = [
        (PLANNED, "Planned"),
        (STARTED, "Started"),
        (FINISHED, "Finished"),
        (BLOCKED, "Blocked"),
        (WITHDRAWN, "Withdrawn"),
    ]

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="operations")
    sequence = models.PositiveSmallIntegerField()
    code = models.SlugField()
    name = models.CharField(max_length=80)
    after = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="before")
    status = models.CharField(max_length=10, choices=STATUSES, default=PLANNED)
    frozen = models.BooleanField(default=False)
    # The planner chose the work center: re-plans keep it there and only move it in time.
    pinned = models.BooleanField(default=False)
    work_center = models.ForeignKey(
        WorkCenter, null=True, blank=True, on_delete=models.PROTECT, related_name="operations"
    )
    planned_start = models.DateTimeField(null=True, blank=True)
    planned_end = models.DateTimeField(null=True, blank=True)
    actual_start = models.DateTimeField(null=True, blank=True)
    actual_end = models.DateTimeField(null=True, blank=True)
    # The shop-floor terminal's pause: set while a started operation is paused; the seconds of
    # every pause ended so far are kept apart, so worked time (labour costs) leaves them out.
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    # What the floor reported at finish (the terminal asks; the planner's board does not).
    good_quantity = models.PositiveIntegerField(null=True, blank=True)
    scrap_quantity = models.PositiveIntegerField(default=0)
    scrap_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["work_order", "sequence"]
        constraints = [models.UniqueConstraint(fields=["work_order", "code"], name="production_operation_code_once")]

    def __str__(self):
        return f"{self.work_order.number} {self.name}"


class Alternative(models.Model):
    """A work center an operation may run on, and how long it takes there for this configuration."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="alternatives")
    work_center = models.ForeignKey(WorkCenter, on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveIntegerField()
    setup = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["work_center__code"]
        constraints = [models.UniqueConstraint(fields=["operation", "work_center"], name="production_alternative_once")]

    def __str__(self):
        return f"{self.operation} on {self.work_center}"


class PlanRun(models.Model):
    """One planning attempt. A failed one leaves the operations as the last good plan put them."""

    OK, FAILED = "ok", "failed"
    plant = models.ForeignKey(Plant, on_delete=models.CASCADE, related_name="plan_runs")
    started = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0)
    outcome = models.CharField(max_length=10, choices=[(OK, "Planned"), (FAILED, "Failed")])
    trigger = models.CharField(max_length=120)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    message = models.TextField(blank=True)
    status = models.CharField(max_length=20, blank=True, help_text="optimal, feasible or heuristic")
    weighted_tardiness = models.IntegerField(null=True, blank=True)
    operations = models.PositiveIntegerField(default=0)
    moved_operations = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started", "-pk"]

    def __str__(self):
        return f"plan of {self.started:%d %b %H:%M}: {self.outcome}"


class PromisedDate(models.Model):
    """The ship date promised to the shopper for an order, fixed when it was paid."""

    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="promised_date")
    ship_date = models.DateField()
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"order {self.order_id} ships by {self.ship_date}"


class ProductionEvent(models.Model):
    """The audit trail: who changed what, when. `customer_label` (no staff names) feeds the order timeline."""

    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=30)
    description = models.TextField()
    customer_label = models.CharField(max_length=200, blank=True)
    order = models.ForeignKey("order.Order", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    work_order = models.ForeignKey(WorkOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    operation = models.ForeignKey(Operation, null=True, blank=True, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["order", "at"])]

    def __str__(self):
        return f"{self.kind}: {self.description}"


class TravelerBatch(models.Model):
    """A batch print of one day's travelers, rendered by a worker; the page polls its progress."""

    PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
    day = models.DateField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, default=PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    pdf = models.FileField(upload_to="travelers/", blank=True)
    message = models.TextField(blank=True)

    def __str__(self):
        return f"travelers for {self.day}"


# The outbound side (delivery slots, shipments, tracking) lives in a module of its own.
from .delivery_models import DeliverySlot, Shipment, SlotBooking, TrackingEvent, TrackingStatus  # noqa: E402, F401
