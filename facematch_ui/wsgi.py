import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "facematch_ui.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, settings) lives as long as the
# process: move it out of the collector's generations, so a full collection
# walks only what requests allocate. Without this, one collection every
# thousand gallery requests or so stalls all of a worker's threads for about
# 40 ms (measured with gc.callbacks in a worker serving the gallery).
gc.collect()
gc.freeze()
