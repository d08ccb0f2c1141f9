"""Placeholder replaced by the real command module."""
import click
@click.group("keys")
def keys():
    raise click.ClickException('not built yet')
