from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """Every list of the API: ``page``, ``page_size`` up to 500 (50 by default)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
