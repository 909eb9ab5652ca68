"""Demo storefront content: the Wagtail site, home page, content pages, menu and footer."""

import datetime

from django.conf import settings
from django.contrib.sites.models import Site as DjangoSite
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from configurator import services as configurator_services
from configurator.models import SavedDesign
from portal.cms.models import (
    ContentPage,
    FooterLink,
    FormField,
    FormPage,
    HomePage,
    NavigationLink,
    NavigationMenu,
    PrivacyPage,
    ProductContent,
    ProductStoryPage,
    SiteFooter,
)

from .catalogue import PRODUCTS, product

HOSTNAME = "127.0.0.1"
PORT = 8000


def _segment(audience, *blocks):
    """A segment block's value: the audience chosen (any one kind matching) and its blocks."""
    return (
        "segment",
        {
            "value_classes": [],
            "tiers": [],
            "segments": [],
            "visitors": [],
            "saved_design": False,
            "match": "any",
            "show": "only",
            **audience,
            "content": list(blocks),
        },
    )


HOME_BODY = [
    (
        "hero",
        {
            "eyebrow": "Built to order in days, not months",
            "heading": "Design it your way. We build it for you.",
            "text": "A fridge that opens on the side your kitchen needs, a sofa sized to the centimetre, "
            "a shirt with your words on it. Choose every detail online, see the price and ship date at "
            "once, and our workshop starts on it the day you order.",
            "primary_action": {"label": "Start designing", "page": None, "url": "/catalogue/"},
            "secondary_action": {"label": "How made-to-order works", "page": None, "url": "/how-it-works/"},
            "image": None,
            "illustration": "workshop",
        },
    ),
    # Content for a segment (docs/content.md): each visitor sees at most the ones meant for them;
    # a visitor not signed in is a new visitor and sees the welcome.
    _segment(
        {"value_classes": ["premium"]},
        (
            "call_to_action",
            {
                "heading": "Thank you for being one of our best customers",
                "text": "Early access for you: next season's fabrics and finishes open to you a week before "
                "anyone else, and your next order goes to the front of the workshop's queue.",
                "action": {"label": "See the new fabrics first", "page": None, "url": "/catalogue/"},
                "tone": "ink",
            },
        ),
    ),
    _segment(
        {"value_classes": ["major"]},
        (
            "call_to_action",
            {
                "heading": "Good to see you again",
                "text": "Your past orders and saved designs are in your account: order one again as it was, or "
                "change a detail first.",
                "action": {"label": "Go to your account", "page": None, "url": "/accounts/"},
                "tone": "ink",
            },
        ),
    ),
    _segment(
        {"visitors": ["new"]},
        (
            "call_to_action",
            {
                "heading": "New to Atelier? Welcome",
                "text": "Nothing here is made until you order it. Start from one of our designs below, change "
                "what you like, and see your price and ship date as you go.",
                "action": {"label": "How made-to-order works", "page": None, "url": "/how-it-works/"},
                "tone": "sage",
            },
        ),
    ),
    _segment(
        {"saved_design": True},
        (
            "call_to_action",
            {
                "heading": "Your saved designs are waiting",
                "text": "Pick up where you left off: every design you saved keeps its options and its price.",
                "action": {"label": "Open my designs", "page": None, "url": "/designs/"},
                "tone": "clay",
            },
        ),
    ),
    (
        "featured_products",
        {
            "heading": "Start from one of our designs",
            "intro": "Every piece below is made to order. Open one to choose its options and see your price.",
            "products": ["ATL-FRIDGE", "ATL-SOFA", "ATL-TEE"],
        },
    ),
    (
        "features",
        {
            "heading": "How made-to-order works",
            "features": [
                {
                    "title": "You design",
                    "text": "Choose size, finish, fabric or print. Our rules keep every choice buildable and "
                    "tell you why when something does not fit.",
                    "icon": "ruler",
                },
                {
                    "title": "We plan",
                    "text": "Your order goes straight onto our workshop plan, so the ship date you see is a "
                    "date we can keep.",
                    "icon": "clock",
                },
                {
                    "title": "We build",
                    "text": "Each piece is made by hand in our workshop and checked twice before it leaves.",
                    "icon": "leaf",
                },
                {
                    "title": "We deliver",
                    "text": "Follow it through production from your account, then we bring it to your door, "
                    "or to the room of your choice.",
                    "icon": "truck",
                },
            ],
        },
    ),
    # A promotion for everyone but restricted customers (those who cost the shop more than they bring).
    _segment(
        {"value_classes": ["restricted"], "show": "except"},
        (
            "call_to_action",
            {
                "heading": "Double points this winter",
                "text": "Every order earns twice the usual points while our winter campaign runs.",
                "action": {"label": "Start designing", "page": None, "url": "/catalogue/"},
                "tone": "sage",
            },
        ),
    ),
    (
        "quote",
        {
            "quote": "We have an awkward alcove and a door that opens the wrong way for every fridge in the "
            "shops. Atelier built one that fits to the centimetre, and it arrived eight days after I ordered.",
            "attribution": "Priya, Leeds: customer since 2023",
        },
    ),
    (
        "call_to_action",
        {
            "heading": "Earn points on every order",
            "text": "Members earn a point for every pound, move up tiers for free delivery and priority "
            "production, and spend points at checkout.",
            "action": {"label": "Create your account", "page": None, "url": "/accounts/login/"},
            "tone": "clay",
        },
    ),
]

CONTENT_PAGES = [
    {
        "slug": "how-it-works",
        "title": "How made-to-order works",
        "introduction": "Nothing we sell is sitting in a warehouse. Here is what happens between your "
        "click and your doorstep.",
        "body": [
            (
                "rich_text",
                "<h2>1. You design it</h2><p>Every product page has a configurator. Each choice updates "
                "the price, the picture and the date we can ship at once. If two choices cannot be built "
                "together, we say so in plain words and suggest what would work.</p>"
                "<h2>2. It goes onto our plan</h2><p>When your payment is confirmed, your order becomes work "
                "orders on our workshop's machines and benches. Our planning system schedules them around "
                "everyone else's, so the ship date we promise is one we can keep.</p>"
                "<h2>3. We make it</h2><p>You can follow each step from your account: cutting, assembly, "
                "upholstery or printing, testing and packing.</p>"
                "<h2>4. We deliver it</h2><p>Small items go by tracked courier. Fridges and sofas can be "
                "carried to the room of your choice by two of our team, who unpack and take the packaging "
                "away.</p>",
            ),
        ],
    },
    {
        "slug": "delivery-and-returns",
        "title": "Delivery and returns",
        "introduction": "Made-to-order means made for you, so our returns work a little differently.",
        "body": [
            (
                "rich_text",
                "<h2>Delivery</h2><ul><li>Standard delivery: £9.95, free on orders over £60.</li>"
                "<li>Two-person delivery to your room of choice: £49.</li></ul>"
                "<p>We ship to the United Kingdom, Ireland, France, Germany, the Netherlands and the United "
                "States. Fridges are fitted with the right plug and voltage for the delivery country.</p>"
                "<h2>Changing your mind</h2><p>You can change or cancel an order free of charge until it "
                "enters production. After that it is being made for you, and we cannot resell it; faulty "
                "items are of course repaired, replaced or refunded.</p>",
            ),
        ],
    },
    {
        "slug": "about",
        "title": "About Atelier",
        "introduction": "A small workshop with big machines, making things one order at a time.",
        "body": [
            (
                "rich_text",
                "<p>Atelier started with a simple annoyance: the fridge that fitted our kitchen did not "
                "exist. Mass production makes the average thing for the average home. We make yours.</p>"
                "<p>Our workshop builds refrigerators, sofas and printed goods to order. Software does the "
                "planning, people do the making, and every order is scheduled so we can tell you the day it "
                "will ship before you pay.</p>",
            ),
            (
                "quote",
                {
                    "quote": "Keep your customers and they keep you. We would rather build you a second "
                    "sofa in ten years than sell a stranger one today.",
                    "attribution": "The Atelier team",
                },
            ),
        ],
    },
]

PRIVACY = {
    "slug": "privacy",
    "title": "Privacy notice",
    "introduction": "What we keep about you, why, who sees it, how long we keep it, and how to change your "
    "mind. In short: what we need to make and deliver your order, and reminders only if you ask for them.",
    "last_updated": datetime.date(2026, 11, 30),
    "body": [
        (
            "rich_text",
            "<h2>Who we are</h2><p>Atelier Workshop Ltd (company no. 01234567), Unit 4, Kelham Yard, "
            "Sheffield S3 8RY, decides how your personal data is used and is responsible for it. Write to us "
            'at <a href="mailto:privacy@atelier.example">privacy@atelier.example</a> or to the address above '
            "with any question about this notice.</p>"
            "<h2>What we keep and why</h2><ul>"
            "<li><b>Your account</b>: your email address, your name if you give it, and your password, which we "
            "store only as a one-way hash. We need them to let you sign in and to keep your orders together.</li>"
            "<li><b>Your orders</b>: what you chose, the delivery and billing addresses, and how the order "
            "moves through our workshop. We need them to make and deliver what you bought, and the law "
            "requires us to keep the sales records.</li>"
            "<li><b>Your designs</b>: the products you configure and save, so you can come back to them.</li>"
            "<li><b>Payments</b>: card payments are taken by Stripe. We never see or store your card number; "
            "we keep the payment's reference, amount and outcome.</li>"
            "<li><b>Points and tier</b>: the points you earn and spend in our loyalty programme.</li>"
            "<li><b>Messages</b>: the emails and account messages we send you, so you can find them again "
            "under Your account.</li>"
            "<li><b>Sign-in security</b>: when someone signs in, or types a password to change or delete an "
            "account, the address typed, the network (IP) address and the browser, so we can stop anyone "
            "guessing passwords. We delete these records after 90 days.</li></ul>"
            "<h2>Reminders, only with your agreement</h2><p>When you create an account we ask which "
            "reminders you would like and where: by email, in your account inbox, or not at all. Nothing that "
            "promotes a purchase is ticked for you. News about an order you placed (shipped, delivered) is "
            "ticked in advance, and you can untick it too. We record what you chose, when, and the exact "
            "words we showed you, each time you tell us: when you sign up, on the Reminders page, or through "
            "a link to stop a reminder.</p><p>You can change your choices at any time under Your account, "
            "Reminders, and every reminder email has a link that stops that kind of reminder straight away. "
            "Some customers, chosen at random, are not sent a reminder they would otherwise get, so we can "
            "tell whether reminders help; nothing else changes for them.</p>"
            "<h2>Who else sees it</h2><p>Only those who help us serve you, each bound by contract to use it "
            "for that alone: Stripe for payments, the couriers and our own delivery team for your address "
            "and phone number, and the companies that host our website and send our emails. We do not sell "
            "your data or share it with advertisers.</p>"
            "<h2>How long we keep it</h2><ul>"
            "<li>Your account, designs, messages and reminder choices: until you delete your account.</li>"
            "<li>Sign-in security records: 90 days.</li>"
            "<li>Orders and invoices: six years after the end of the financial year, as UK tax law requires. "
            "When you delete your account, the orders stay on our books without your account linked to "
            "them.</li></ul>"
            "<h2>Your rights</h2><p>You can see and download everything we hold about your account as one "
            "file, under Your account, Your data. From the same page you can ask us to delete your account: "
            "we erase it 14 days later, so you can change your mind in the meantime. You can also ask us to "
            "correct your data, object to how we use it, or restrict it, by writing to the address above; we "
            "answer within a month.</p><p>If you are unhappy with how we handled your data, you can "
            'complain to the Information Commissioner\'s Office at <a href="https://ico.org.uk/">ico.org.uk'
            "</a>; we would like the chance to put it right first.</p>"
            "<h2>Cookies</h2><p>We use only the cookies the shop needs to work: keeping you signed in, "
            "remembering your basket, protecting our forms from forgery, and the products you looked at "
            "recently. There are no advertising or tracking cookies.</p>",
        ),
    ],
}

MENU = [
    ("Fridges", "category:Kitchen > Refrigerators"),
    ("Sofas", "category:Living room > Sofas"),
    ("Printed goods", "category:Printed goods"),
    ("All products", "/catalogue/"),
    ("Stories", "page:the-fridge-that-fits"),
    ("How it works", "page:how-it-works"),
]

FOOTER_LINKS = [
    ("Shop", "Fridges", "category:Kitchen > Refrigerators"),
    ("Shop", "Sofas", "category:Living room > Sofas"),
    ("Shop", "Printed goods", "category:Printed goods"),
    ("Help", "How made-to-order works", "page:how-it-works"),
    ("Help", "Delivery and returns", "page:delivery-and-returns"),
    ("Help", "Your account", "/accounts/"),
    ("Company", "About Atelier", "page:about"),
    ("Company", "Contact us", "page:contact"),
    ("Company", "Privacy notice", "page:privacy"),
]


def _resolve_products(body):
    resolved = []
    for block_type, value in body:
        if block_type == "featured_products":
            value = {**value, "products": [product(upc) for upc in value["products"]]}
        resolved.append((block_type, value))
    return resolved


def load_sites():
    created = 0
    django_site = DjangoSite.objects.get(pk=settings.SITE_ID)
    if django_site.domain == "example.com":
        django_site.domain, django_site.name = f"{HOSTNAME}:{PORT}", settings.OSCAR_SHOP_NAME
        django_site.save()
        created += 1
    return created


def load_wagtail_roots():
    """The default locale, the page tree's root and the root collection, made by Wagtail's migrations.

    They are made again only where a database was emptied after migrating (a flush), so
    the demo can be rebuilt anywhere migrations have run.
    """
    created = 0
    _, was_created = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    created += was_created
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", live=True))
        created += 1
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
        created += 1
    return created


def load_home_page():
    if HomePage.objects.exists():
        return 0
    root = Page.get_first_root_node()
    # Wagtail's first migration leaves a "Welcome" placeholder (slug "home") and a site on it.
    for placeholder in root.get_children().filter(slug="home"):
        if placeholder.specific_class is Page:
            placeholder.delete()  # its Site goes with it
    home = root.add_child(instance=HomePage(title="Atelier", slug="home", body=_resolve_products(HOME_BODY)))
    home.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": HOSTNAME, "port": PORT, "root_page": home, "site_name": settings.WAGTAIL_SITE_NAME},
    )
    return 1


def load_content_pages():
    home = HomePage.objects.get()
    created = 0
    for spec in CONTENT_PAGES:
        if ContentPage.objects.filter(slug=spec["slug"]).exists():
            continue
        page = home.add_child(
            instance=ContentPage(
                title=spec["title"], slug=spec["slug"], introduction=spec["introduction"], body=spec["body"]
            )
        )
        page.save_revision().publish()
        created += 1
    if not PrivacyPage.objects.exists():
        page = home.add_child(instance=PrivacyPage(**PRIVACY))
        page.save_revision().publish()
        created += 1
    return created


PRESET_NAME = "The alcove fridge"
STORY = {
    "slug": "the-fridge-that-fits",
    "title": "The fridge that fits",
    "introduction": "Priya's kitchen had an alcove, a wall on the right and a door that opened the wrong way "
    "for every fridge in the shops. This is the fridge we built for it; start from her design and make it yours.",
}


def load_story_pages():
    """A product story with the configurator embedded, opening on a preset design."""
    if ProductStoryPage.objects.filter(slug=STORY["slug"]).exists():
        return 0
    preset = SavedDesign.objects.filter(is_preset=True, name=PRESET_NAME).first()
    if preset is None:
        preset, _ = configurator_services.save_design(
            family_slug="atelier-fridge",
            values={"hinge": "left", "finish": "sage", "ice_maker": True, "water_kit": True, "capacity": "380"},
            name=PRESET_NAME,
        )
        preset.is_preset = True
        preset.save(update_fields=["is_preset"])
    body = [
        (
            "rich_text",
            "<h2>Hinges on the left, by the wall</h2><p>With the wall on the right, a right-hinged door "
            "opens into the room and blocks the worktop. We moved the hinges, kept a 380 litre body that "
            "fits the alcove, and added an ice maker on the water line that was already there.</p>",
        ),
        (
            "configurator",
            {"heading": "Start from Priya's design", "family": "atelier-fridge", "preset": preset.share_token},
        ),
    ]
    page = HomePage.objects.get().add_child(instance=ProductStoryPage(body=body, **STORY))
    page.save_revision().publish()
    return 1


def _link_fields(target):
    if target == "page:privacy":
        return {"link_page": PrivacyPage.objects.get(), "link_url": ""}
    if target == "page:contact":
        return {"link_page": FormPage.objects.get(slug=CONTACT["slug"]), "link_url": ""}
    if target == "page:the-fridge-that-fits":
        return {"link_page": ProductStoryPage.objects.get(slug=STORY["slug"]), "link_url": ""}
    if target.startswith("category:"):
        category = create_from_breadcrumbs(target.removeprefix("category:"))
        return {"link_page": None, "link_url": category.get_absolute_url()}
    if target.startswith("page:"):
        return {"link_page": ContentPage.objects.get(slug=target.removeprefix("page:")), "link_url": ""}
    return {"link_page": None, "link_url": target}


def load_navigation():
    if NavigationMenu.objects.filter(slug="main").exists():
        return 0
    menu = NavigationMenu(name="Main menu", slug="main")
    menu.links = [
        NavigationLink(label=label, sort_order=index, **_link_fields(target))
        for index, (label, target) in enumerate(MENU)
    ]
    menu.save()
    menu.save_revision().publish()
    return 1


def load_footer():
    if SiteFooter.objects.exists():
        return 0
    footer = SiteFooter(
        name="Footer",
        strapline="Made to order, made for you, in our workshop in Sheffield.",
        contact='<p>Questions? <a href="mailto:hello@atelier.example">hello@atelier.example</a>, '
        "or call 0114 496 0000, Monday to Friday 9–5.</p>",
        legal="Atelier Workshop Ltd · Registered in England and Wales no. 01234567 · "
        "Unit 4, Kelham Yard, Sheffield S3 8RY · VAT GB 123 4567 89",
    )
    footer.links = [
        FooterLink(column=column, label=label, sort_order=index, **_link_fields(target))
        for index, (column, label, target) in enumerate(FOOTER_LINKS)
    ]
    footer.save()
    footer.save_revision().publish()
    return 1


CONTACT = {
    "slug": "contact",
    "title": "Contact us",
    "introduction": "<p>A question before you order, an idea for something we could make, or a word about "
    "a delivery? Write to us here and someone from the workshop answers within a working day. "
    "About an order you placed, sign in and ask from your account: we see the order with your question.</p>",
    "thank_you_text": "<p>Thank you: your message has reached the workshop. We answer within a working day, "
    "Monday to Friday.</p>",
    "to_address": "hello@atelier.example",
    "from_address": "website@atelier.example",
    "subject": "A message from the contact form",
}
CONTACT_FIELDS = [
    ("Your name", "singleline", True, ""),
    ("Your e-mail address", "email", True, "We answer to this address and use it for nothing else"),
    ("What is it about", "dropdown", True, ""),
    ("Your message", "multiline", True, ""),
]
CONTACT_TOPICS = "A product or an idea\nDelivery\nSomething else"


def load_contact_form():
    """The contact form page (a Wagtail form page): staff read and export its messages in the admin."""
    if FormPage.objects.filter(slug=CONTACT["slug"]).exists():
        return 0
    page = FormPage(**CONTACT)
    page.form_fields = [
        FormField(
            label=label,
            field_type=field_type,
            required=required,
            help_text=help_text,
            choices=CONTACT_TOPICS if field_type == "dropdown" else "",
            sort_order=index,
        )
        for index, (label, field_type, required, help_text) in enumerate(CONTACT_FIELDS)
    ]
    HomePage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    return 1


def load_editor_product_content_permission():
    """Editors keep the products' words and pictures in Wagtail (portal/cms/product_content.py).

    Never their prices, stock or rules: those stay in Oscar's dashboard, which editors cannot open.
    """
    from django.contrib.auth.models import Group, Permission

    from .people import EDITOR_SNIPPET_ACTIONS, EDITORS

    editors = Group.objects.get(name=EDITORS)
    if editors.permissions.filter(codename="publish_productcontent").exists():
        return 0
    codenames = [f"{action}_productcontent" for action in EDITOR_SNIPPET_ACTIONS]
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="cms", codename__in=codenames))
    return 1


FRIDGE_CONTENT_HEADLINE = "Built around your kitchen, not the other way round"


def load_product_content():
    """The fridge's words as editors keep them in Wagtail (the catalogue's, and a link to its story)."""
    fridge = product("ATL-FRIDGE")
    if ProductContent.objects.filter(product=fridge).exists():
        return 0
    content = ProductContent(
        product=fridge,
        headline=FRIDGE_CONTENT_HEADLINE,
        description=next(spec.description for spec in PRODUCTS if spec.upc == "ATL-FRIDGE"),
        story_page=ProductStoryPage.objects.filter(slug=STORY["slug"]).first(),
    )
    content.save()
    content.save_revision().publish()
    return 1
