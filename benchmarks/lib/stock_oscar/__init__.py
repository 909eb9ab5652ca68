"""Stock django-oscar, as its documentation sets a project up: the baseline of benchmarks/storefront.py."""
