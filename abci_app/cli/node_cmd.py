"""Placeholder replaced by the real command module."""
import click
@click.command("init")
def init():
    raise click.ClickException('not built yet')
@click.command("start")
def start():
    raise click.ClickException('not built yet')
@click.command("devnet")
def devnet():
    raise click.ClickException('not built yet')
