import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.lib.stock_oscar.settings")
application = get_wsgi_application()
