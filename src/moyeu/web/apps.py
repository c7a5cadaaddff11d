from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "moyeu.web"
    label = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        # The web app is installed last: every module has registered by now.
        from moyeu.core.registry import registry

        registry.lock()
