"""What a traveler (and any shop-floor page) reads to print a work order's specification and,
per operation, what the ordered choices change there, in words.

The specification is stored in words at release; a work order released before that (its
[code, value] pairs) is put into words here from the family version its line was bought with.
What the choices change at a step is read from the step's rules in the routing, and only said
where the routing still gives the minutes and setup the operation was released with: a routing
edited since would otherwise explain minutes the operation does not have.
"""

from configurator.selectors import current_options, version_options

from .. import routing
from ..models import RoutingTemplate
from ..specification import change_words, readable_specification, words_by_code
from .release import configuration_of, revision_steps, routing_steps


def options_bought_with(line, family_slug):
    """The options of the family version `line` was bought with; the family's current ones when
    that version is not known; None when neither is (the family was deleted)."""
    parsed = configuration_of(line)
    options = version_options(parsed[0], parsed[1]) if parsed is not None else None
    return options if options is not None else current_options(family_slug)


def _in_words(work_order):
    return all(len(row) == 3 for row in work_order.specification or [])


def specification_of(work_order):
    """(label, text) pairs of the work order's specification, as a worker reads it."""
    rows = work_order.specification or []
    if _in_words(work_order):
        return readable_specification(rows)
    options = options_bought_with(work_order.line, work_order.family_slug)
    return readable_specification(rows, options, work_order.configuration)


def changes_by_operation(work_order, operations, *, steps=None):
    """{operation pk: [what the ordered choices change at it, in words]}.

    `operations` of the work order, with their alternatives prefetched; `steps` the routing's
    (`release.routing_steps`), read here when not given: the revision the work order was made
    with when one was recorded, so a later edit of the routing does not silence its words. An
    operation whose step is gone, or gives other minutes or setup than it was released with,
    gets no words.
    """
    if steps is None and work_order.routing_revision_id:
        steps = revision_steps(work_order.routing_revision)
    if steps is None:
        template = RoutingTemplate.objects.filter(family_slug=work_order.family_slug).first()
        steps = routing_steps(template) if template is not None else []
    by_code = {step.code: step for step in steps}
    if _in_words(work_order):
        words = {code: (label, text) for label, text, code in work_order.specification}
    else:
        words = words_by_code(options_bought_with(work_order.line, work_order.family_slug), work_order.configuration)
    changes = {}
    for op in operations:
        step = by_code.get(op.code)
        released = {(alternative.minutes, alternative.setup) for alternative in op.alternatives.all()}
        spec = routing.operation_for(step, work_order.configuration, work_order.quantity) if step else None
        if spec is None or released != {(spec.minutes, spec.setup)}:
            changes[op.pk] = []
        else:
            changes[op.pk] = change_words(spec.applied, words)
    return changes
