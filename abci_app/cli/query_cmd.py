"""Placeholder replaced by the real command module."""
import click
@click.group("q")
def query():
    raise click.ClickException('not built yet')
