"""Keep the cached site frame in step with what editors publish."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_slug_changed, page_unpublished, published, unpublished

from .frame import clear_site_frame_cache
from .navigation import NavigationMenu, SiteFooter
from .product_content import ProductContent, ProductContentImage, clear_product_page_content


def connect():
    for signal in (published, unpublished):
        signal.connect(clear_site_frame_cache, sender=NavigationMenu, dispatch_uid=f"frame-{signal}-menu")
        signal.connect(clear_site_frame_cache, sender=SiteFooter, dispatch_uid=f"frame-{signal}-footer")
    for model in (NavigationMenu, SiteFooter):
        post_save.connect(clear_site_frame_cache, sender=model, dispatch_uid=f"frame-save-{model.__name__}")
        post_delete.connect(clear_site_frame_cache, sender=model, dispatch_uid=f"frame-delete-{model.__name__}")
    # Menu links to pages carry their URLs, which move with publishing and slugs.
    for signal in (page_published, page_unpublished, page_slug_changed):
        signal.connect(clear_site_frame_cache, dispatch_uid=f"frame-{signal}")
    # The product page's cached content (product_content.product_page_content) and its story links.
    for signal in (published, unpublished):
        signal.connect(clear_product_page_content, sender=ProductContent, dispatch_uid=f"product-content-{signal}")
    for model in (ProductContent, ProductContentImage):
        for signal in (post_save, post_delete):
            signal.connect(clear_product_page_content, sender=model, dispatch_uid=f"product-content-{signal}-{model}")
    for signal in (page_published, page_unpublished, page_slug_changed):
        signal.connect(clear_product_page_content, dispatch_uid=f"product-content-{signal}")
