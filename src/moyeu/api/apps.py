from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "moyeu.api"
    label = "api"
    verbose_name = "API"
