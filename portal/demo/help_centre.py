"""The demo help centre: topics of real answers for this shop, three case articles, the review
workflow for help pages, and links to the help centre from the menu and the footer."""

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Task, Workflow, WorkflowPage, WorkflowTask
from wagtail.models.workflows import GroupApprovalTask

from care.help.models import CaseArticlePage, HelpIndexPage, HelpTopicPage
from configurator.models import ProductFamily
from portal.cms.models import FooterLink, HomePage, NavigationLink, NavigationMenu, SiteFooter

from .people import EDITORS

HELP_WRITERS = "Help writers"
WORKFLOW = "Help centre review"

INDEX = {
    "title": "Help centre",
    "slug": "help",
    "introduction": "Answers about designing, paying for, making and delivering your made-to-order piece. "
    "Search below or pick a topic.",
}


def q(question, answer, anchor=""):
    return ("question", {"question": question, "answer": answer, "anchor": anchor})


TOPICS = [
    {
        "title": "Ordering a made-to-order product",
        "slug": "ordering",
        "introduction": "Designing your piece, saving designs, and changing or cancelling an order.",
        "body": [
            q(
                "How does ordering a made-to-order product work?",
                "<p>Open a product and choose each option in its configurator: size, finish, fabric, print. "
                "The price, the picture and the date we can ship update with every choice. When you are happy, "
                "add it to your basket and pay. Your piece is planned onto our workshop the moment the payment "
                "is confirmed.</p>",
                "how-ordering-works",
            ),
            q(
                "Why can I not choose some combinations of options?",
                "<p>Some choices cannot be built together: a corner module needs at least three seats, an ice "
                "maker needs a water kit. The configurator tells you in plain words why a choice is unavailable "
                "and what would work instead, so everything you can order is something we can make.</p>",
                "unavailable-options",
            ),
            q(
                "Can I save a design and come back to it later?",
                "<p>Yes. Sign in and choose <b>Save design</b> in the configurator. Your designs wait under "
                "<i>Your account, Saved designs</i>, priced at today's prices when you open them, and you can "
                "share a design by its link.</p>",
                "save-a-design",
            ),
            q(
                "Can I change or cancel my order after paying?",
                "<p>Yes, free of charge, until your order enters production: the status in your account shows "
                "<i>Paid</i> or <i>Scheduled</i> until then. Once we have started making it, it is being made "
                "for you alone and cannot be cancelled; we can still change the delivery address.</p>",
                "change-or-cancel",
            ),
        ],
    },
    {
        "title": "Delivery and returns",
        "slug": "delivery-and-returns",
        "introduction": "What delivery costs, where we deliver, and what happens if something is wrong.",
        "body": [
            q(
                "How much does delivery cost?",
                "<ul><li>Standard tracked delivery: £9.95, free on orders over £60, and free for Gold and "
                "Platinum members.</li><li>Two-person delivery to the room of your choice, with the packaging "
                "taken away: £49, recommended for fridges and sofas.</li></ul>",
                "delivery-cost",
            ),
            q(
                "Which countries do you deliver to?",
                "<p>The United Kingdom, Ireland, France, Germany, the Netherlands and the United States. "
                "Fridges are fitted with the plug and voltage of the delivery country, so choose the "
                "country in the configurator before you order.</p>",
                "countries",
            ),
            q(
                "Can I return a made-to-order product?",
                "<p>Because each piece is made to your design, we cannot take it back if you change your mind "
                "after it has entered production. Anything faulty or damaged in delivery is repaired, remade or "
                "refunded: tell us within 30 days of delivery, with a photo if you can.</p>",
                "returns",
            ),
            q(
                "My delivery arrived damaged. What do I do?",
                "<p>Keep the packaging, take a photo of the damage and of the box, and tell us within 7 days. "
                "We collect the piece and remake or repair it at our cost, with priority in the workshop.</p>",
                "damaged",
            ),
        ],
    },
    {
        "title": "Paying and points",
        "slug": "paying",
        "introduction": "Cards, when you are charged, invoices, and earning and spending points.",
        "body": [
            q(
                "How can I pay?",
                "<p>By debit or credit card, through Stripe. Your card details go straight to Stripe and never "
                "reach our servers; your bank may ask you to confirm the payment (3-D Secure).</p>",
                "how-to-pay",
            ),
            q(
                "When am I charged?",
                "<p>When you place the order. Production starts only once the payment is confirmed, which is "
                "usually within a minute.</p>",
                "when-charged",
            ),
            q(
                "How do I earn points?",
                "<p>Every paid order earns 1 point per pound, more on printed goods, during campaigns and in "
                "higher tiers. Points are <i>pending</i> until your order is delivered (or 14 days pass), then "
                "<i>available</i>. Your first order, a review, your birthday and a friend you refer earn "
                "bonuses too.</p>",
                "earn-points",
            ),
            q(
                "How do I spend points at checkout?",
                "<p>On the checkout's review page, choose how many points to use: at least 500, in steps of 100, "
                "up to half the order. 100 points take £1 off. Points expire 12 months after they become "
                "available, oldest first; we remind you before they do.</p>",
                "spend-points",
            ),
            q(
                "Where do I find my invoice?",
                "<p>Open the order under <i>Your account, Orders</i> and choose <b>Invoice (PDF)</b>.</p>",
                "invoice",
            ),
        ],
    },
    {
        "title": "Your order in production",
        "slug": "production",
        "introduction": "What happens in our workshop, and the date we promise.",
        "body": [
            q(
                "How is the ship date worked out?",
                "<p>Your order is planned onto our workshop's machines and benches among everyone else's, "
                "taking the options you chose into account (an upholstered sofa takes longer than a printed "
                "tote). The date you see before paying is the date that plan can keep.</p>",
                "ship-date",
            ),
            q(
                "How do I follow my order through production?",
                "<p>Under <i>Your account</i>, each order shows where it is: placed, paid, scheduled, in "
                "production, shipped, delivered. Open the order to see each workshop step as it is done.</p>",
                "follow-my-order",
            ),
            q(
                "What if my order is late?",
                "<p>If a step takes longer than planned we re-plan at once and tell you the new date in your "
                "account inbox and by email. If the new date does not work for you, ask us: we will do what we "
                "can to bring it forward.</p>",
                "late",
            ),
        ],
    },
    {
        "title": "Caring for your products",
        "slug": "care",
        "introduction": "Keeping your fridge, sofa and printed goods like new.",
        "body": [
            q(
                "How do I clean my sofa's fabric?",
                "<p>Vacuum it weekly with a soft brush. Blot spills at once with a clean, damp cloth, working "
                "from the outside in; never rub. The wool and linen covers can be dry-cleaned; the performance "
                "weave can be washed at 30 °C.</p>",
                "sofa-fabric",
            ),
            q(
                "How should I look after my fridge?",
                "<p>Leave it standing for four hours after delivery before switching it on. Clean the inside "
                "with warm water and a little washing-up liquid, and vacuum the grille at the back twice a "
                "year. Change the water filter every six months if you have the water kit.</p>",
                "fridge",
            ),
            q(
                "How do I wash printed T-shirts and totes?",
                "<p>Turn them inside out and wash at 30 °C; do not tumble-dry or iron over the print. The "
                "print is made to last for years of washing.</p>",
                "printed",
            ),
        ],
    },
]

CASES = [
    {
        "title": "Will a left-hinged fridge fit next to a wall?",
        "slug": "left-hinged-fridge-next-to-a-wall",
        "family": "atelier-fridge",
        "question": "My kitchen has a wall on the right of the fridge space. If I choose hinges on the left, "
        "will the door open fully, and do I need a gap?",
        "answer": "<p>Yes. With hinges on the left and the wall on the right, the door opens away from the wall "
        "and can open fully. Leave 5 cm between the fridge and the wall so the door seal is not pressed and "
        "air can circulate; the configurator's alcove sizes already allow for it.</p>",
    },
    {
        "title": "Can I add a seat to my sofa later?",
        "slug": "add-a-seat-to-my-sofa-later",
        "family": "modular-sofa",
        "question": "We bought a three-seat modular sofa last year and are moving to a bigger room. Can we add "
        "one more seat in the same fabric?",
        "answer": "<p>Yes. Every module joins with the same connectors, and we keep each fabric's batch on record. "
        "Order a single seat module in the same fabric and mention your first order's number; we match the "
        "batch, or tell you before making it if the batch has run out.</p>",
    },
    {
        "title": "The print on my T-shirt looked different from the preview",
        "slug": "print-looked-different-from-the-preview",
        "family": "printed-tee",
        "question": "The colours of my printed T-shirt are darker than on the screen. Is that normal?",
        "answer": "<p>Screens show colours brighter than ink on fabric can be, especially on darker shirts. We "
        "checked the print against the file and it was within our tolerance, but the customer was not happy, "
        "so we reprinted it on a lighter shirt at no charge. If a print is not what you expected, tell us "
        "within 30 days with a photo.</p>",
    },
]

MENU_LABEL = "Help"
FOOTER_LINK = ("Help", "Help centre")


def load_help_centre():
    """The help centre with its topics and cases, each added only if its slug is missing."""
    created = 0
    home = HomePage.objects.get()
    index = HelpIndexPage.objects.first()
    if index is None:
        index = home.add_child(instance=HelpIndexPage(**INDEX))
        index.save_revision().publish()
        created += 1
    for spec in TOPICS:
        if not HelpTopicPage.objects.filter(slug=spec["slug"]).exists():
            index.add_child(instance=HelpTopicPage(**spec)).save_revision().publish()
            created += 1
    families = {family.slug: family for family in ProductFamily.objects.all()}
    for spec in CASES:
        if CaseArticlePage.objects.filter(slug=spec["slug"]).exists():
            continue
        fields = {key: value for key, value in spec.items() if key != "family"}
        page = index.add_child(instance=CaseArticlePage(product_family=families.get(spec["family"]), **fields))
        page.save_revision().publish()
        created += 1
    return created


def load_help_workflow():
    """Help writers draft help pages; Editors approve them ("Help centre review") and publish.

    Editors keep the right to publish without review, as on every page.
    """
    created = 0
    index = HelpIndexPage.objects.get()
    writers, made = Group.objects.get_or_create(name=HELP_WRITERS)
    created += made
    if made:
        writers.permissions.add(Permission.objects.get(codename="access_admin"))
        for codename in ("add_page", "change_page"):
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=writers, page=index, permission=permission)
    workflow, made = Workflow.objects.get_or_create(name=WORKFLOW)
    created += made
    if made:
        task = GroupApprovalTask.objects.create(name="Editors review the answer")
        task.groups.set(Group.objects.filter(name=EDITORS))
        WorkflowTask.objects.create(workflow=workflow, task=Task.objects.get(pk=task.pk), sort_order=0)
    _, made = WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": workflow})
    created += made
    editors = Group.objects.get(name=EDITORS)
    if not editors.permissions.filter(codename="view_answervote").exists():
        editors.permissions.add(Permission.objects.get(content_type__app_label="help", codename="view_answervote"))
        created += 1
    return created


def load_help_links():
    """ "Help" in the main menu and the footer, added to a menu or footer loaded before the help centre."""
    index = HelpIndexPage.objects.get()
    created = 0
    menu = NavigationMenu.objects.filter(slug="main").first()
    if menu is not None and not menu.links.filter(link_page=index).exists():
        NavigationLink.objects.create(menu=menu, label=MENU_LABEL, link_page=index, sort_order=menu.links.count())
        menu.save_revision().publish()
        created += 1
    footer = SiteFooter.objects.order_by("pk").first()
    if footer is not None and not footer.links.filter(link_page=index).exists():
        links = list(footer.links.order_by("sort_order", "pk"))
        column, label = FOOTER_LINK
        at = next((n for n, link in enumerate(links) if link.column == column), len(links))
        links.insert(at, FooterLink(footer=footer, column=column, label=label, link_page=index))
        for order, link in enumerate(links):  # the help centre first in its column
            link.sort_order = order
            link.save()
        footer.save_revision().publish()
        created += 1
    return created
