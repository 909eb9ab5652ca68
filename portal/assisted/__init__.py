"""Assisted baskets: staff build a basket for a customer (on the phone, from a ticket); the customer pays it by link.

Why here, in portal: the basket and checkout are portal's (Oscar's basket is forked in
portal/basket, checkout in portal/checkout), and care sits below portal in the layers, so care
cannot build a basket. This app reads care (the ticket, the console's permission, the internal
note that records the sending) and the configurator (its validation and pricing); care links to
it from the console by URL name only and imports nothing of it.

How it holds together:

- The basket is an ordinary Oscar basket, priced by the same strategy as the customer's own
  (`Selector().strategy(user=customer)`); configured lines go in through the configurator's
  `add_configuration_to_basket`, so the family's rules and prices apply and no price ever comes
  from a form. It waits with status SAVED and no owner: Oscar finds a customer's baskets by
  owner (one open, merged with any other open one; one saved, which a second would break), so
  `AssistedBasket.customer` says whose it is until the customer accepts it. Nothing merges it
  into the customer's own basket before then.
- The pay link is `<id>.<nonce>` signed with the secret key (django.core.signing, its own salt):
  unguessable (a 128-bit nonce), not forgeable from the database alone, and rebuilt for staff
  whenever they look at the basket. It expires (`ASSISTED_BASKET_LINK_DAYS`, stored with the
  basket when sent), works once, and stops working when a newer basket is sent to the customer.
- Only the customer it was sent to sees it: signed out, the sign-in page and back; signed in as
  anyone else, a refusal that shows nothing of the basket.
- Accepting makes it the customer's open basket (the items of their earlier open basket move to
  "saved for later") and sends them to Oscar's checkout, where the basket is priced again as any
  basket is: a price changed since staff built it shows as the current price.
"""
