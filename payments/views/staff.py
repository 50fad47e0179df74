"""Placeholder until this module is written (issue 5, in progress): every view is a 404."""


def __getattr__(name):
    from django.http import Http404

    def view(request, *args, **kwargs):
        raise Http404

    return view
