"""``ebh demo``: synthetic demo data (being built)."""
import click


@click.command("demo")
def demo_command() -> None:
    """Load synthetic demo data."""
    raise click.ClickException("not built yet")
