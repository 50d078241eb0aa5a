# The default zoos' training recipe, shared by train_default_zoos.sh (CPU) and
# train_zoos_gpu.sh (one GPU, seeds in parallel). Changing it means retraining
# every default zoo: train_allcnnc.py refuses to resume a zoo with another recipe.
RECIPE="--width 0.25 --epochs 10 --batch-size 64 --optimizer adam --lr 0.002 --momentum 0.9 --weight-decay 0.01 --warmup-epochs 0.2 --pad 0 --eval-each-epoch --log-every 200 --threads 1"
